// Package venv finds the project's Python virtual environment and the tools
// in it: .venv at the module's root, which scripts/setup-python.sh makes
// from the pinned scripts/requirements.txt (`make setup` runs it). Tests
// and benchmarks run moto, cfn-lint, the SAM translator and the SAM CLI
// from there, never whatever python3 or sam is first on PATH, so that every
// machine tests with the same versions.
package venv
