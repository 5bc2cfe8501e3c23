/** @jsxRuntime automatic @jsxImportSource react */
// The frame every email shares: the product name, one message, one call to action, and
// the footer saying why the reader gets it and where to change that.
import {
  Body,
  Button,
  Container,
  Head,
  Heading,
  Hr,
  Html,
  Link,
  Preview,
  Section,
  Text,
} from "@react-email/components";
import type { ReactNode } from "react";

export const PRODUCT_NAME = "Acme SaaS";

const styles = {
  body: { backgroundColor: "#f6f7f9", fontFamily: "-apple-system, Segoe UI, Helvetica, Arial, sans-serif" },
  container: { backgroundColor: "#ffffff", margin: "24px auto", padding: "32px", maxWidth: "560px" },
  brand: { fontSize: "14px", fontWeight: 700, color: "#4f46e5", margin: "0 0 24px" },
  heading: { fontSize: "22px", color: "#111827", margin: "0 0 16px" },
  button: { backgroundColor: "#4f46e5", color: "#ffffff", padding: "12px 20px", borderRadius: "6px" },
  footer: { fontSize: "12px", color: "#6b7280" },
} as const;

export type EmailAction = { label: string; href: string };

export function EmailLayout(props: {
  preview: string;
  heading: string;
  action: EmailAction;
  /** Why this email was sent, and how to stop it when it can be stopped. */
  footer: ReactNode;
  children: ReactNode;
}) {
  return (
    <Html lang="en">
      <Head />
      <Preview>{props.preview}</Preview>
      <Body style={styles.body}>
        <Container style={styles.container}>
          <Text style={styles.brand}>{PRODUCT_NAME}</Text>
          <Heading style={styles.heading}>{props.heading}</Heading>
          {props.children}
          <Section style={{ margin: "24px 0" }}>
            <Button href={props.action.href} style={styles.button}>
              {props.action.label}
            </Button>
          </Section>
          <Text>
            Or open this link: <Link href={props.action.href}>{props.action.href}</Link>
          </Text>
          <Hr />
          <Text style={styles.footer}>{props.footer}</Text>
        </Container>
      </Body>
    </Html>
  );
}

export const paragraph = { fontSize: "15px", lineHeight: "24px", color: "#374151" } as const;
