// Command write writes metadata_gen.go in the current directory (package
// phone's, under go generate) from package metagen.
package main

import (
	"log"
	"os"

	"github.com/phonepass/phonepass/phone/internal/metagen"
)

func main() {
	src, err := metagen.Generate()
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile("metadata_gen.go", src, 0o644); err != nil {
		log.Fatal(err)
	}
}
