#!/usr/bin/env node
// Local Cosmos DB for the store tests: the in-memory @vercel/cosmosdb-server (HTTPS, its self-signed certificate,
// on a free loopback port) with a small proxy in front of its request handler, in the same process, that makes it
// answer what the .NET SDK asks for:
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

// One HTTPS server: the package's own (its self-signed certificate, keep-alive), with the proxy's rules in front
// of its request handler in the same process (no second HTTP hop: the emulator is single-threaded and slow enough).
const server = cosmos.createHttpsServer({ keepAlive: true });
const handlers = server.listeners("request");
server.removeAllListeners("request");
server.on("request", (req, res) => {
  if (isQueryPlanRequest(req)) {
    const chunks = [];
    req.on("data", chunk => chunks.push(chunk));
    req.on("end", () => {
      if (verbose) process.stderr.write(`plan ${req.url} ${Buffer.concat(chunks).toString("utf8")}\n`);
      const plan = JSON.stringify(passThroughPlan());
      res.writeHead(200, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(plan),
        "x-ms-request-charge": "0",
        "x-ms-activity-id": "00000000-0000-0000-0000-000000000000",
      });
      res.end(plan);
    });
    return;
  }

  if (isItemRead(req)) {
    // The server answers a read of a missing item with 500 (it dereferences the missing item): make it Cosmos DB's 404.
    const end = res.end.bind(res);
    res.end = (chunk, ...rest) => {
      if (res.statusCode === 500 && !res.headersSent) {
        res.statusCode = 404;
        return end(JSON.stringify({ code: "NotFound", message: "Entity with the specified id does not exist in the system." }), ...rest);
      }
      return end(chunk, ...rest);
    };
  }

  if (verbose) res.on("finish", () => process.stderr.write(`${req.method} ${req.url} -> ${res.statusCode}\n`));
  for (const handler of handlers) handler.call(server, req, res);
});

// The server logs every 500 with its stack; a missing item is not worth one.
const logError = console.error;
console.error = (...args) => {
  if (args[0] instanceof TypeError && /Cannot read properties of undefined/.test(args[0].message)) return;
  logError(...args);
};

server.listen(port, host, () => {
  process.stdout.write(`cosmos-proxy listening on https://${host}:${server.address().port}/\n`);
});

// The test fixture owns this process: end with it (its stdin closes when it goes away).
process.stdin.on("end", () => process.exit(0));
process.stdin.on("error", () => process.exit(0));
process.stdin.resume();
