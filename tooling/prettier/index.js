// The workspace's one Prettier config, referenced from the root package.json.
// Options match how the code is already written (double quotes, semicolons,
// trailing commas); 120 columns is the agreed line length (STYLE.md).

/** @type {import("prettier").Config} */
const config = {
  printWidth: 120,
  // Markdown: keep the author's line breaks in prose; only tables and lists are normalised.
  proseWrap: "preserve",
  // Never reformat the inside of html`…` / css`…` templates: that text is output (the
  // emulator's hosted pages), and whitespace in it is what the page and its tests see.
  embeddedLanguageFormatting: "off",
};

export default config;
