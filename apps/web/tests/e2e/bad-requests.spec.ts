// Requests no page of ours sends: each is a 400 that changes nothing, never a 500 after
// a session or an account was already made.
import { withAppDb } from "./support/app-db.ts";
import { expect, test } from "./support/fixtures.ts";

const countOf = (sql: string, params: unknown[]) =>
  withAppDb(async (db) =>
    Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${sql}`, params)).rows[0]?.n),
  );
const sessionsOf = (email: string) =>
  countOf("sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1", [email]);
const usersWith = (email: string) => countOf("users WHERE email = $1", [email]);

// U+2028 survives every path check but no Location header can carry it.
const UNSENDABLE = "/\u2028x";

test("a redirectTo no Location header can carry: log-in and sign-up answer 400 and make nothing", async ({
  request,
  signedUpUser,
  newUser,
  baseURL,
}) => {
  const headers = { Origin: baseURL ?? "" };
  const before = await sessionsOf(signedUpUser.email);
  const login = await request.post("/login", {
    headers,
    form: { ...signedUpUser, redirectTo: UNSENDABLE },
    maxRedirects: 0,
  });
  expect(await sessionsOf(signedUpUser.email)).toBe(before);
  expect(login.status()).toBe(400);

  const email = `other-${newUser.email}`;
  const signup = await request.post("/signup", {
    headers,
    form: { email, password: newUser.password, redirectTo: UNSENDABLE },
    maxRedirects: 0,
  });
  expect(await usersWith(email)).toBe(0);
  expect(signup.status()).toBe(400);
});

test("a log-in link carrying such a redirectTo still logs the user in", async ({ page, signedUpUser, loginPage }) => {
  await page.context().clearCookies();
  await loginPage.goto(`?${new URLSearchParams({ redirectTo: UNSENDABLE })}`);
  await loginPage.logIn(signedUpUser.email, signedUpUser.password);
  await expect(page).toHaveURL(/\/settings\/billing$/);
});

const NOT_A_FORM: Array<[string, string, string]> = [
  ["text/plain", "text/plain", "email=a@example.com&password=x"],
  ["JSON", "application/json", JSON.stringify({ email: "a@example.com", password: "x", intent: "email" })],
  [
    "truncated multipart",
    "multipart/form-data; boundary=XYZ",
    '--XYZ\r\nContent-Disposition: form-data; name="email"\r\n\r\na@example.com',
  ],
];

for (const [what, contentType, body] of NOT_A_FORM) {
  test(`a ${what} body is a 400 on every form action and changes nothing`, async ({ page, signedUpUser, baseURL }) => {
    // page.request carries the signed-in user's cookie, for Settings → Account.
    const headers = { Origin: baseURL ?? "", "Content-Type": contentType };
    for (const path of ["/login", "/signup", "/settings/account", "/settings/billing"]) {
      const response = await page.request.post(path, { headers, data: body, maxRedirects: 0 });
      expect(response.status(), path).toBe(400);
    }
    expect(await usersWith("a@example.com")).toBe(0);
    expect(await usersWith(signedUpUser.email)).toBe(1);
  });
}
