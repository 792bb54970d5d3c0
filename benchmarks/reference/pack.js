// The packaging half of the pipeline users script today: zip a folder of slide images + an index.html
// as SCORM 1.2 with simple-scorm-packager (its defaults). Usage: node pack.js SOURCE_FOLDER OUTPUT_FOLDER
const path = require("path");
const scopackager = require("simple-scorm-packager");

const [source, outputFolder] = process.argv.slice(2);
scopackager({
  version: "1.2",
  organization: "Bench",
  title: "Benchmark deck",
  language: "en",
  identifier: "bench",
  masteryScore: 80,
  startingPage: "index.html",
  source: path.resolve(source),
  package: { version: "1.0.0", zip: true, outputFolder: path.resolve(outputFolder), date: "2024-01-01" },
}, () => {});
