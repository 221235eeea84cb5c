#!/usr/bin/env node
// Compiles every contract in src/main/solidity with the pinned solc (standard JSON) and writes,
// for each deployable contract, <Name>.abi and <Name>.bin (hex, no 0x) plus one build-info.json
// to src/main/resources/io/cairn/contracts. Those files are committed: the Maven build generates
// the Java wrappers from them without Node, and CI recompiles and checks that nothing changed
// (check-build.sh). Warnings are printed; any error exits 1.
//
// Deterministic by construction: sources are read in sorted order and keyed by bare file name,
// OpenZeppelin by its package path, so the metadata hash at the end of the bytecode holds no path
// of this machine.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const solc = require('solc');

const SOURCES = path.join(__dirname, 'src', 'main', 'solidity');
const OUTPUT = path.join(__dirname, 'src', 'main', 'resources', 'io', 'cairn', 'contracts');

// cancun: OpenZeppelin 5.7 uses MCOPY. viaIR: Marketplace is too deep for the legacy pipeline.
const SETTINGS = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: 'cancun',
  viaIR: true,
};

function main() {
  const pinned = require('./package.json').dependencies.solc;
  const installed = require('solc/package.json').version;
  if (installed !== pinned) fail(`solc ${installed} is installed but package.json pins ${pinned}: run npm ci`);

  const names = fs.readdirSync(SOURCES).filter((f) => f.endsWith('.sol')).sort();
  const sources = {};
  for (const name of names) {
    sources[name] = { content: fs.readFileSync(path.join(SOURCES, name), 'utf8') };
  }
  const outputSelection = {};
  for (const name of names) {
    outputSelection[name] = { '*': ['abi', 'evm.bytecode.object'] };
  }
  const input = { language: 'Solidity', sources, settings: { ...SETTINGS, outputSelection } };

  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImport }));
  let errors = 0;
  for (const diagnostic of output.errors || []) {
    console.error(diagnostic.formattedMessage.trimEnd());
    if (diagnostic.severity === 'error') errors++;
  }
  if (errors > 0) fail(`${errors} compile error(s)`);

  fs.mkdirSync(OUTPUT, { recursive: true });
  const written = [];
  for (const name of names) {
    for (const [contract, artefact] of Object.entries(output.contracts[name] || {})) {
      const bin = artefact.evm.bytecode.object;
      if (bin.length === 0) continue; // an interface or an abstract contract
      fs.writeFileSync(path.join(OUTPUT, `${contract}.abi`), JSON.stringify(artefact.abi, null, 2) + '\n');
      fs.writeFileSync(path.join(OUTPUT, `${contract}.bin`), bin);
      written.push(contract);
      console.log(`${contract}: ${bin.length / 2} bytes`);
    }
  }

  const buildInfo = {
    compiler: { name: 'solc-js', version: solc.version() },
    settings: SETTINGS,
    openzeppelin: require('@openzeppelin/contracts/package.json').version,
    sources: Object.fromEntries(names.map((name) => [name, sha256(sources[name].content)])),
    contracts: written.sort(),
  };
  fs.writeFileSync(path.join(OUTPUT, 'build-info.json'), JSON.stringify(buildInfo, null, 2) + '\n');
}

/** Resolves `@openzeppelin/...` imports from this directory's node_modules. */
function findImport(importPath) {
  try {
    return { contents: fs.readFileSync(require.resolve(importPath, { paths: [__dirname] }), 'utf8') };
  } catch (e) {
    return { error: `not found: ${importPath}` };
  }
}

function sha256(text) {
  return crypto.createHash('sha256').update(text, 'utf8').digest('hex');
}

function fail(message) {
  console.error(`compile.js: ${message}`);
  process.exit(1);
}

main();
