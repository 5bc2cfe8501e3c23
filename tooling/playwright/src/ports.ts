// A free TCP port, found synchronously (Playwright configs cannot await before export).
import { execFileSync } from "node:child_process";

const FIND_PORT =
  `const s=require("net").createServer();` +
  `s.listen(0,"127.0.0.1",()=>{process.stdout.write(String(s.address().port));s.close()})`;

export function freePortSync(): number {
  return Number(execFileSync(process.execPath, ["-e", FIND_PORT], { encoding: "utf8" }));
}
