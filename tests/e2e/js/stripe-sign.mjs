// Signs a Stripe webhook body the way Stripe does, with Stripe's own library: reads the body
// on stdin, prints the Stripe-Signature header. Usage: node stripe-sign.mjs SECRET [UNIX_TIME]
// The header is checked with the library's own verifier before it is printed (when the time is
// current), so a test can never sign in a way Stripe would not accept.
import { readFileSync } from "node:fs";
import Stripe from "stripe";

const [secret, time] = process.argv.slice(2);
const payload = readFileSync(0, "utf8");
const stripe = new Stripe("sk_test_not_used_offline");
const timestamp = time ? Number(time) : Math.floor(Date.now() / 1000);
const header = stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
if (!time) {
  stripe.webhooks.constructEvent(payload, header, secret);
}
process.stdout.write(header);
