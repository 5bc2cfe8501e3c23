// How guessable a new password is, judged by zxcvbn-ts against common passwords, words,
// names, keyboard walks, dates and repeats. Server-only: its dictionaries are megabytes.
// Thresholds: docs/decisions/012-password-strength.md.
import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import * as common from "@zxcvbn-ts/language-common";
import * as english from "@zxcvbn-ts/language-en";

/** zxcvbn's 3: about 10^8 guesses, out of reach online and costly against our argon2id hashes offline. */
const MIN_PASSWORD_SCORE = 3;

// Judging takes time that grows steeply with length (a crafted 256-character password took
// 10 s of CPU), so only the first 64 characters are judged: enough to tell any weakness a
// person would type, and a bounded cost per request. Few l33t substitutions are tried for
// the same reason.
const OPTIONS = { maxLength: 64, l33tMaxSubstitutions: 10 } as const;

let factory: ZxcvbnFactory | undefined;

// Built on first use: it takes a few hundred milliseconds, which a process that never
// judges a password (a worker, a test of something else) should not pay.
function zxcvbn(): ZxcvbnFactory {
  factory ??= new ZxcvbnFactory({
    ...OPTIONS,
    dictionary: { ...common.dictionary, ...english.dictionary },
    graphs: common.adjacencyGraphs,
    translations: english.translations,
  });
  return factory;
}

/** Why the password is too easy to guess and what to do instead, or null when it is strong enough. */
export function weakPasswordMessage(password: string): string | null {
  const { score, feedback } = zxcvbn().check(password);
  if (score >= MIN_PASSWORD_SCORE) return null;
  const advice = [feedback.warning, ...feedback.suggestions].filter((line): line is string => Boolean(line));
  return advice.length
    ? advice.join(" ")
    : "This password is easy to guess. Use a few words together that are not a common phrase.";
}
