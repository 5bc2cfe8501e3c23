import { base, prettier } from "@saas/eslint-config/base";
import { boundaries } from "@saas/eslint-config/boundaries";
import { react } from "@saas/eslint-config/react";

export default [...base, ...react, ...boundaries("@saas/web"), prettier];
