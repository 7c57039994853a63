// Package config reads phonepass's settings from environment variables, once,
// into a validated Config. Each variable is named by an exported constant;
// README.md lists them all with their defaults. A bad value is an error that
// names the variable, so that a Lambda cold start fails loudly instead of
// running with a setting nobody chose.
package config
