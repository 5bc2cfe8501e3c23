import { formatProfile, summarizeCpuProfile } from "../src/profile/summarize-cpu-profile.ts";
const s = summarizeCpuProfile(process.argv[2]!);
if (s) console.log(formatProfile(s));
