import { describe, expect, it } from "vitest";
import { z } from "zod";
import { EnvError, parseEnv, portSchema, urlSchema } from "./index.ts";

const shape = { PORT: portSchema.default(3000), DATABASE_URL: urlSchema(["postgresql", "postgres"]).optional() };
const hints = { PORT: "PORT=3000", DATABASE_URL: "DATABASE_URL=postgresql://user:pass@localhost:5432/app" };

describe("parseEnv", () => {
  it("applies defaults and treats empty values as unset", () => {
    expect(parseEnv(shape, hints, { PORT: "", DATABASE_URL: "" })).toEqual({ PORT: 3000, DATABASE_URL: undefined });
  });

  it("parses valid values", () => {
    expect(parseEnv(shape, hints, { PORT: "8080", DATABASE_URL: "postgres://a@b/c" })).toEqual({
      PORT: 8080,
      DATABASE_URL: "postgres://a@b/c",
    });
  });

  it("names each invalid variable, what it got and how to set it", () => {
    const run = () => parseEnv(shape, hints, { PORT: "eighty", DATABASE_URL: "mysql://x" });
    expect(run).toThrow(EnvError);
    expect(run).toThrow(/PORT: must be a whole number from 1 to 65535 \(got "eighty"\)/);
    expect(run).toThrow(
      /DATABASE_URL: must be a URL starting with postgresql:\/\/ or postgres:\/\/ \(got "mysql:\/\/x"\)/,
    );
    expect(run).toThrow(/e\.g\. PORT=3000/);
  });

  it("says when a required variable is not set", () => {
    expect(() => parseEnv({ SECRET: z.string() }, { SECRET: "SECRET=abc" }, {})).toThrow(/SECRET: .*it is not set/);
  });

  it("rejects out-of-range ports", () => {
    expect(() => parseEnv(shape, hints, { PORT: "70000" })).toThrow(/PORT/);
  });
});
