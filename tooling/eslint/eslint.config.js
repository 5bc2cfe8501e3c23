import { base, prettier } from "./base.js";
import { boundaries } from "./boundaries.js";

export default [...base, ...boundaries("@saas/eslint-config"), prettier];
