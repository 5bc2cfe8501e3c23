// A body that is not a form is the sender's mistake: a 400, never a 500.
import { describe, expect, it } from "vitest";
import { readForm } from "./forms";

const post = (body: string, contentType: string | null) => {
  const headers = new Headers();
  // A string body brings its own text/plain type unless one is set.
  headers.set("Content-Type", contentType ?? "");
  return new Request("http://localhost:3000/login", { method: "POST", headers, body });
};
const thrown = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) => error,
  );

describe("readForm", () => {
  it("reads an urlencoded form and a multipart one", async () => {
    const encoded = await readForm(
      post("email=ada%40example.com&redirectTo=%2Fsettings", "application/x-www-form-urlencoded"),
    );
    expect(encoded.get("email")).toBe("ada@example.com");
    expect(encoded.get("redirectTo")).toBe("/settings");
    const multipart = new FormData();
    multipart.set("email", "ada@example.com");
    const form = await readForm(new Request("http://localhost:3000/login", { method: "POST", body: multipart }));
    expect(form.get("email")).toBe("ada@example.com");
  });

  it.each([
    ["text/plain", "email=ada@example.com&password=x"],
    ["application/json", JSON.stringify({ email: "ada@example.com", password: "x" })],
    ["", "email=ada@example.com"],
    [
      "multipart/form-data; boundary=XYZ",
      '--XYZ\r\nContent-Disposition: form-data; name="email"\r\n\r\nada@example.com',
    ],
    ["multipart/form-data", "--XYZ\r\n"],
  ])("answers %j with a 400 Response", async (contentType, body) => {
    const error = await thrown(readForm(post(body, contentType)));
    expect(error).toBeInstanceOf(Response);
    expect((error as Response).status).toBe(400);
    expect(await (error as Response).text()).toMatch(/form/i);
  });
});
