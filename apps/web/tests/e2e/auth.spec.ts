import { recordFailedAttempts, userIdOf } from "./support/app-db.ts";
import { logOut } from "./support/pages.ts";
import { expect, test } from "./support/fixtures.ts";

test("sign up lands on Settings → Billing, signed in", async ({ page, newUser, signupPage }) => {
  await signupPage.goto();
  await signupPage.signUp(`  ${newUser.email.toUpperCase()} `, newUser.password, "Ada");
  await expect(page).toHaveURL(/\/settings\/billing$/);
  await expect(page.getByText(`Signed in as ${newUser.email}`)).toBeVisible();
});

test("sign-up form errors appear next to their fields", async ({ page, signupPage }) => {
  await signupPage.goto();
  await signupPage.signUp("not-an-email", "short");
  await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText("Enter a valid email address")).toBeVisible();
  await expect(page.getByText("Use at least 8 characters")).toBeVisible();
  await expect(page).toHaveURL(/\/signup$/);
});

test("a common password is refused with advice next to it, and no account is made", async ({
  page,
  newUser,
  signupPage,
}) => {
  await signupPage.goto();
  await signupPage.signUp(newUser.email, "password");
  await expect(page.getByLabel("Password")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText("This is a heavily used password. Add more words that are less common.")).toBeVisible();
  await expect(userIdOf(newUser.email)).rejects.toThrow(/no user/);
});

test("a second sign-up with the same email is refused", async ({ page, browser, signedUpUser }) => {
  const other = await browser.newPage();
  await other.goto("/signup");
  await other.getByLabel("Email").fill(signedUpUser.email);
  await other.getByLabel("Password").fill("another password");
  await other.getByRole("button", { name: "Create account" }).click();
  await expect(
    other.getByText("We couldn't create an account with this email. If you already have one, log in instead."),
  ).toBeVisible();
  await other.close();
  await expect(page.getByText(`Signed in as ${signedUpUser.email}`)).toBeVisible();
});

test("sign-up says so when the email has had too many failed attempts, and makes no account", async ({
  page,
  newUser,
  signupPage,
}) => {
  await recordFailedAttempts(newUser.email, 5);
  await signupPage.goto();
  await signupPage.signUp(newUser.email, newUser.password);
  await expect(page.getByRole("alert")).toHaveText(/Too many failed attempts\. Try again in 15 minutes\./);
  await expect(page).toHaveURL(/\/signup$/);
  await expect(userIdOf(newUser.email)).rejects.toThrow(/no user/);
});

test("log out ends the session; log in starts a new one", async ({ page, signedUpUser, loginPage }) => {
  const cookieBefore = (await page.context().cookies()).find((c) => c.name === "session");
  expect(cookieBefore).toMatchObject({ httpOnly: true, sameSite: "Lax", secure: false });
  await logOut(page);
  await page.goto("/settings/billing");
  await expect(page).toHaveURL(/\/login\?redirectTo=%2Fsettings%2Fbilling$/);

  // The old session id is dead server-side, not just forgotten by the browser.
  await page.context().addCookies([{ ...cookieBefore!, expires: -1 }]);
  await page.goto("/settings/billing");
  await expect(page).toHaveURL(/\/login/);

  await loginPage.logIn(signedUpUser.email, signedUpUser.password);
  await expect(page).toHaveURL(/\/settings\/billing$/);
  await expect(page.getByText(`Signed in as ${signedUpUser.email}`)).toBeVisible();
});

test("wrong password and unknown email get the same message", async ({ page, signedUpUser, loginPage }) => {
  await logOut(page);
  await loginPage.goto();
  await loginPage.logIn(signedUpUser.email, "wrong password");
  await expect(loginPage.alert()).toHaveText("Invalid email or password");
  await loginPage.logIn(`nobody-${Date.now()}@example.com`, "wrong password");
  await expect(loginPage.alert()).toHaveText("Invalid email or password");
  await expect(page).toHaveURL(/\/login$/);
});

test("after 5 failed attempts the login is refused for a while", async ({ page, signedUpUser, loginPage }) => {
  await logOut(page);
  await loginPage.goto();
  for (let i = 0; i < 5; i++) {
    await loginPage.logIn(signedUpUser.email, `wrong ${i}`);
    await expect(loginPage.alert()).toHaveText("Invalid email or password");
  }
  await loginPage.logIn(signedUpUser.email, signedUpUser.password);
  await expect(loginPage.alert()).toHaveText(/Too many failed attempts\. Try again in 15 minutes\./);
  await page.goto("/settings/billing");
  await expect(page).toHaveURL(/\/login/);
});

test("a signed-out visit to settings goes to login and comes back after it", async ({
  page,
  signedUpUser,
  loginPage,
}) => {
  await logOut(page);
  await page.goto("/settings/billing?tab=invoices");
  await expect(page).toHaveURL(/\/login\?redirectTo=%2Fsettings%2Fbilling%3Ftab%3Dinvoices$/);
  await loginPage.logIn(signedUpUser.email, signedUpUser.password);
  await expect(page).toHaveURL(/\/settings\/billing\?tab=invoices$/);
});

test("redirectTo pointing at another site is ignored", async ({ page, signedUpUser, loginPage }) => {
  await logOut(page);
  for (const target of ["https://evil.example/phish", "//evil.example/phish", "/\\evil.example"]) {
    await loginPage.goto(`?${new URLSearchParams({ redirectTo: target })}`);
    await loginPage.logIn(signedUpUser.email, signedUpUser.password);
    await expect(page).toHaveURL(/^http:\/\/localhost:\d+\/settings\/billing$/);
    await logOut(page);
  }
});

test("a cross-origin POST is refused with 403 and changes nothing", async ({ page, request, newUser, baseURL }) => {
  const forged = await request.post("/signup", {
    headers: { Origin: "https://evil.example" },
    form: { email: newUser.email, password: newUser.password },
    maxRedirects: 0,
  });
  expect(forged.status()).toBe(403);
  const noOrigin = await request.post("/signup", {
    form: { email: newUser.email, password: newUser.password },
    maxRedirects: 0,
  });
  expect(noOrigin.status()).toBe(403);

  // The account was never created: signing up with that email still works.
  await page.goto("/signup");
  await page.getByLabel("Email").fill(newUser.email);
  await page.getByLabel("Password").fill(newUser.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(`${baseURL}/settings/billing`);
});
