// A webhook receiver for EasySpace's tests: it checks every delivery with two third-party
// verifiers, the Standard Webhooks reference library and Svix's, exactly as a subscriber would.
//
//   node tools/webhook-receiver.mjs --secret whsec_... [--status 204]
//
// Prints one line, "listening <port>", once it accepts connections on 127.0.0.1 (the OS picks
// the port). Every POST is verified and recorded; it answers --status (default 204) when both
// libraries accept the signature and 400 otherwise. GET /results answers the records as JSON.
// It exits when stdin closes (its parent went away) and on SIGTERM or SIGINT.
//
// Both libraries refuse a webhook-timestamp more than 5 minutes away from now.

import { createServer } from "node:http";
import { parseArgs } from "node:util";
import { Webhook as StandardWebhook } from "standardwebhooks";
import { Webhook as SvixWebhook } from "svix";

const { values } = parseArgs({
  options: {
    secret: { type: "string" },
    status: { type: "string", default: "204" },
  },
  strict: true,
});

if (!values.secret) {
  console.error("usage: node webhook-receiver.mjs --secret whsec_... [--status 204]");
  process.exit(2);
}
const status = Number.parseInt(values.status, 10);
if (!Number.isInteger(status) || status < 200 || status > 599) {
  console.error(`--status must be an HTTP status code, not ${values.status}`);
  process.exit(2);
}

// Constructed once, so a secret the libraries cannot read fails at start rather than per request.
const standard = new StandardWebhook(values.secret);
const svix = new SvixWebhook(values.secret);

const results = [];

function check(verifier, body, headers) {
  try {
    verifier.verify(body, headers);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function readBody(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

const server = createServer(async (request, response) => {
  try {
    if (request.method === "GET" && request.url === "/results") {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(results));
      return;
    }
    if (request.method !== "POST") {
      response.writeHead(405, { allow: "POST" });
      response.end();
      return;
    }

    // The raw bytes, as both libraries expect: re-serialising parsed JSON would change what was signed.
    const body = await readBody(request);
    const headers = request.headers; // Node lower-cases header names
    const standardError = check(standard, body, headers);
    const svixError = check(svix, body, headers);
    const errors = [];
    if (standardError) errors.push(`standardwebhooks: ${standardError}`);
    if (svixError) errors.push(`svix: ${svixError}`);

    results.push({
      id: headers["webhook-id"] ?? null,
      event: headers["x-easyspace-event"] ?? null,
      attempt: headers["x-easyspace-attempt"] ?? null,
      standardwebhooks: standardError === null,
      svix: svixError === null,
      error: errors.length > 0 ? errors.join("; ") : null,
    });

    if (errors.length === 0) {
      response.writeHead(status);
      response.end();
    } else {
      response.writeHead(400, { "content-type": "text/plain; charset=utf-8" });
      response.end(errors.join("\n"));
    }
  } catch (error) {
    response.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
    response.end(String(error));
  }
});

function stop() {
  server.close();
  server.closeAllConnections();
  process.exit(0);
}

process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.stdin.on("error", stop);
process.stdin.resume();

server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
