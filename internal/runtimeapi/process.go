package runtimeapi

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"time"

	"github.com/phonepass/phonepass/internal/capture"
)

// EnvRuntimeAPI is the variable that tells a Lambda runtime where its Runtime API is.
const EnvRuntimeAPI = "AWS_LAMBDA_RUNTIME_API"

// Process is a runtime process started by Server.Start.
type Process struct {
	cmd    *exec.Cmd
	stdout *capture.Output
	stderr *capture.Output
	done   chan struct{}
	err    error // set before done is closed
}

// Start runs the executable at path as the Server's runtime. The process
// gets exactly env (nothing is inherited from this process) plus
// AWS_LAMBDA_RUNTIME_API set to the Server's address; its standard output and
// standard error are captured. When it exits, pending and later Invoke calls
// fail with an error that says how it exited. ctx ending kills the process.
func (s *Server) Start(ctx context.Context, path string, env []string) (*Process, error) {
	cmd := exec.CommandContext(ctx, path)
	cmd.Env = append(append([]string{}, env...), EnvRuntimeAPI+"="+s.Addr())
	p := &Process{cmd: cmd, stdout: &capture.Output{}, stderr: &capture.Output{}, done: make(chan struct{})}
	cmd.Stdout = p.stdout
	cmd.Stderr = p.stderr
	cmd.WaitDelay = 2 * time.Second
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start runtime: %w", err)
	}
	go func() {
		err := cmd.Wait()
		p.err = err
		close(p.done)
		how := "exited"
		if err != nil {
			how = "exited: " + err.Error()
		}
		s.stop(fmt.Errorf("runtime process %s; standard error ends: %s", how, p.stderr.Tail(512)))
	}()
	return p, nil
}

// Done is closed when the process has exited.
func (p *Process) Done() <-chan struct{} { return p.done }

// Wait waits at most timeout for the process to exit and returns how it
// exited: nil for status 0, an *exec.ExitError otherwise.
func (p *Process) Wait(timeout time.Duration) error {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-p.done:
		return p.err
	case <-t.C:
		return fmt.Errorf("runtime process still running after %s", timeout)
	}
}

// Exited reports whether the process has exited.
func (p *Process) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// ExitCode returns the exit status of an exited process, or -1.
func (p *Process) ExitCode() int {
	if !p.Exited() {
		return -1
	}
	var ee *exec.ExitError
	if errors.As(p.err, &ee) {
		return ee.ExitCode()
	}
	if p.err != nil {
		return -1
	}
	return 0
}

// Stop kills the process if it is still running and waits for it to exit.
func (p *Process) Stop() {
	if !p.Exited() {
		_ = p.cmd.Process.Kill()
	}
	<-p.done
}

// Stdout is what the process wrote to standard output so far.
func (p *Process) Stdout() *capture.Output { return p.stdout }

// Stderr is what the process wrote to standard error so far.
func (p *Process) Stderr() *capture.Output { return p.stderr }
