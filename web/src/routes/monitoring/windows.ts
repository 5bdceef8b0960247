// The windows the monitoring page offers, in UTC days (the API reads 1–90).
export const WINDOWS = [7, 14, 30, 90] as const;
