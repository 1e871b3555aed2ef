#!/usr/bin/env node
// Local Cosmos DB for the store tests: the in-memory @vercel/cosmosdb-server (plain HTTP on a free loopback
// port, inside this process) behind a small HTTPS proxy that makes it answer what the .NET SDK asks for:
//
//   * query plans: the SDK asks the gateway for a query plan before any cross-partition query and before any
//     query with ORDER BY, TOP or an aggregate (it cannot parse queries itself on Linux). The server does not
//     serve plans; the proxy answers with a pass-through plan over the whole key range. The server has one
//     partition key range, so it runs the whole query itself (ordering, TOP, COUNT included).
//   * missing items: reading an item that does not exist comes back as 500 ("Cannot read properties of
//     undefined"); the proxy turns it into the 404 NotFound that Cosmos DB returns.
//
// Usage: node proxy.js [--port N] [--host 127.0.0.1]     (port 0 or none: a free port)
// Prints one line "cosmos-proxy listening on https://HOST:PORT/" when ready; ends with its parent's stdin.
"use strict";

const fs = require("fs");
const http = require("http");
const https = require("https");
const path = require("path");

function argument(name, fallback) {
  const index = process.argv.indexOf(name);
  return index > 0 && index + 1 < process.argv.length ? process.argv[index + 1] : fallback;
}

let cosmos;
try {
  cosmos = require("@vercel/cosmosdb-server");
} catch (error) {
  process.stderr.write(`@vercel/cosmosdb-server is not installed: run "npm ci" in ${__dirname}\n${error.message}\n`);
  process.exit(3);
}

const host = argument("--host", "127.0.0.1");
const port = Number.parseInt(argument("--port", "0"), 10);
const verbose = process.argv.includes("--verbose");
const packageFolder = path.dirname(require.resolve("@vercel/cosmosdb-server/package.json"));

// The whole key range, as the SDK's own pass-through plans state it.
const fullRange = [{ min: "", max: "FF", isMinInclusive: true, isMaxInclusive: false }];

function passThroughPlan() {
  return {
    partitionedQueryExecutionInfoVersion: 2,
    queryInfo: {
      distinctType: "None",
      top: null,
      offset: null,
      limit: null,
      orderBy: [],
      orderByExpressions: [],
      groupByExpressions: [],
      groupByAliases: [],
      aggregates: [],
      groupByAliasToAggregateType: {},
      rewrittenQuery: "",
      hasSelectValue: false,
      dCountInfo: null,
      hasNonStreamingOrderBy: false,
    },
    queryRanges: fullRange,
  };
}

function isQueryPlanRequest(req) {
  return String(req.headers["x-ms-cosmos-is-query-plan-request"] || "").toLowerCase() === "true";
}

function isItemRead(req) {
  return req.method === "GET" && /^\/dbs\/[^/]+\/colls\/[^/]+\/docs\/[^/]+\/?$/.test(req.url.split("?")[0]);
}

function notFound(res) {
  const body = JSON.stringify({ code: "NotFound", message: "Entity with the specified id does not exist in the system." });
  res.writeHead(404, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    "x-ms-request-charge": "1",
    "x-ms-activity-id": "00000000-0000-0000-0000-000000000000",
  });
  res.end(body);
}

function start(upstreamPort) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const proxy = https.createServer(
    {
      cert: fs.readFileSync(path.join(packageFolder, "cert.pem")),
      key: fs.readFileSync(path.join(packageFolder, "key.pem")),
      keepAlive: true,
    },
    (req, res) => {
      const chunks = [];
      req.on("data", chunk => chunks.push(chunk));
      req.on("end", () => {
        const body = Buffer.concat(chunks);
        if (isQueryPlanRequest(req)) {
          if (verbose) process.stderr.write(`plan ${req.url} ${body.toString("utf8")}\n`);
          const plan = JSON.stringify(passThroughPlan());
          res.writeHead(200, {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(plan),
            "x-ms-request-charge": "0",
            "x-ms-activity-id": "00000000-0000-0000-0000-000000000000",
          });
          res.end(plan);
          return;
        }

        const headers = { ...req.headers, host: `127.0.0.1:${upstreamPort}` };
        delete headers.connection;
        const upstream = http.request(
          { host: "127.0.0.1", port: upstreamPort, method: req.method, path: req.url, headers, agent },
          reply => {
            const replyChunks = [];
            reply.on("data", chunk => replyChunks.push(chunk));
            reply.on("end", () => {
              const replyBody = Buffer.concat(replyChunks);
              if (verbose) process.stderr.write(`${req.method} ${req.url} -> ${reply.statusCode}\n`);
              if (reply.statusCode === 500 && isItemRead(req)) {
                notFound(res);
                return;
              }

              const replyHeaders = { ...reply.headers, "content-length": replyBody.length };
              delete replyHeaders.connection;
              delete replyHeaders["transfer-encoding"];
              res.writeHead(reply.statusCode, replyHeaders);
              res.end(replyBody);
            });
          },
        );
        upstream.on("error", error => {
          res.writeHead(502, { "content-type": "application/json" });
          res.end(JSON.stringify({ code: "BadGateway", message: error.message }));
        });
        upstream.end(body);
      });
    },
  );
  proxy.listen(port, host, () => {
    const address = proxy.address();
    process.stdout.write(`cosmos-proxy listening on https://${host}:${address.port}/\n`);
  });
}

// The server itself: plain HTTP on a free loopback port, with keep-alive (its CLI closes every connection).
const server = cosmos.createHttpServer({ keepAlive: true });
server.listen(0, "127.0.0.1", () => start(server.address().port));

// The test fixture owns this process: end with it (its stdin closes when it goes away).
process.stdin.on("end", () => process.exit(0));
process.stdin.on("error", () => process.exit(0));
process.stdin.resume();
