/** What every template may use besides its own data. */
export type EmailContext = {
  /** Public URL of the app, without a trailing slash: every link starts with it. */
  appBaseUrl: string;
};
