// App-wide types: an expected failure carries the API's error code and request id, so the
// error page can show them to the user (and to whoever reads the Worker's logs).
declare global {
  namespace App {
    interface Error {
      message: string;
      code?: string;
      requestId?: string | null;
    }
  }
}

export {};
