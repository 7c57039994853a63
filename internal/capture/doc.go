// Package capture collects what a child process writes (a Lambda runtime,
// the emulator that runs it, the local pool) so that a test can wait for a
// line, read what came after a point, and never block the writer.
package capture
