import { base, prettier } from "@saas/eslint-config/base";
import { boundaries } from "@saas/eslint-config/boundaries";

export default [...base, ...boundaries("@saas/mail"), prettier];
