package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/phonepass/phonepass/internal/sampleevents"
)

func main() {
	dir := flag.String("o", "", "directory to write the events to (created if missing)")
	sample := flag.Bool("sample", false, "make the events at the committed sample time instead of now")
	flag.Parse()
	if *dir == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: genevents -o DIR [-sample]")
		os.Exit(2)
	}
	if err := run(*dir, *sample); err != nil {
		fmt.Fprintf(os.Stderr, "genevents: %v\n", err)
		os.Exit(1)
	}
}

func run(dir string, sample bool) error {
	at := time.Now()
	if sample {
		at = sampleevents.SampleTime
	}
	evs, err := sampleevents.Generate(at)
	if err != nil {
		return fmt.Errorf("generate: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("make directory: %w", err)
	}
	if err := sampleevents.Write(dir, evs); err != nil {
		return err
	}
	for _, e := range evs {
		note := ""
		if e.TimeDependent {
			note = fmt.Sprintf(" (valid until about %s)", at.Add(sampleevents.ValidFor).Format(time.TimeOnly))
		}
		fmt.Printf("%s%s\n", e.File, note)
	}
	return nil
}
