// One closing line for the whole suite, from the vitest reports (SQLite, PostgreSQL) and Playwright's.
import { readFileSync } from "node:fs";

const files = process.argv.slice(2);
const playwrightFile = files.pop();
const sum = (reports, field) => reports.reduce((total, report) => total + report[field], 0);
const vitestReports = files.map((file) => JSON.parse(readFileSync(file, "utf8")));
const vitest = Object.fromEntries(
  ["numPassedTests", "numFailedTests", "numPendingTests", "numTodoTests", "numTotalTests"].map((field) => [field, sum(vitestReports, field)]),
);
const playwright = JSON.parse(readFileSync(playwrightFile, "utf8")).stats;

const passed = vitest.numPassedTests + playwright.expected;
const failed = vitest.numFailedTests + playwright.unexpected + playwright.flaky;
const skipped = vitest.numPendingTests + vitest.numTodoTests + playwright.skipped;
console.log(`unit ${vitest.numPassedTests}/${vitest.numTotalTests}, browser ${playwright.expected}/${playwright.expected + playwright.unexpected + playwright.flaky + playwright.skipped}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
