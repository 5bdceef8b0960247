// The meter's R2 proxy: class A and class B operations, and the bytes put and deleted (the
// storage they hold), multipart uploads included.
import { counts } from "./counts.ts";
import { call, forward } from "./forwarding.ts";

// https://developers.cloudflare.com/r2/pricing/: class A mutates or lists, class B reads.
const R2_CLASS_A = new Set(["list", "copy"]);
const R2_CLASS_B = new Set(["get", "head"]);

function meterUpload(upload: R2MultipartUpload): R2MultipartUpload {
  return new Proxy(upload, {
    get(target, prop) {
      if (prop === "uploadPart") {
        return (...args: unknown[]) => {
          counts.r2.classA += 1;
          return call(target, "uploadPart", args);
        };
      }
      if (prop === "complete") {
        return async (parts: R2UploadedPart[]) => {
          counts.r2.classA += 1;
          const object = await target.complete(parts);
          counts.r2.bytesPut += object.size;
          return object;
        };
      }
      return forward(target, prop);
    },
  });
}

export function meterR2(bucket: R2Bucket): R2Bucket {
  return new Proxy(bucket, {
    get(target, prop) {
      if (typeof prop === "string" && (R2_CLASS_A.has(prop) || R2_CLASS_B.has(prop))) {
        return (...args: unknown[]) => {
          if (R2_CLASS_A.has(prop)) counts.r2.classA += 1;
          else counts.r2.classB += 1;
          return call(target, prop, args);
        };
      }
      switch (prop) {
        case "put":
          return async (...args: unknown[]) => {
            counts.r2.classA += 1;
            const object = (await call(target, "put", args)) as R2Object | null;
            counts.r2.bytesPut += object?.size ?? 0;
            return object;
          };
        case "delete":
          // The sizes come from heads of the bucket itself, which are not counted: only the
          // meter makes them, to know the bytes that stop being stored.
          return async (keys: string | string[]) => {
            const list = Array.isArray(keys) ? keys : [keys];
            const heads = await Promise.all(list.map((key) => target.head(key)));
            await target.delete(keys);
            counts.r2.deletes += list.length;
            counts.r2.bytesDeleted += heads.reduce((sum, head) => sum + (head?.size ?? 0), 0);
          };
        case "createMultipartUpload":
          return async (...args: unknown[]) => {
            counts.r2.classA += 1;
            return meterUpload((await call(target, prop, args)) as R2MultipartUpload);
          };
        case "resumeMultipartUpload":
          // Only makes a handle; no request is sent.
          return (...args: unknown[]) => meterUpload(call(target, prop, args) as R2MultipartUpload);
        default:
          return forward(target, prop);
      }
    },
  });
}
