package bench

import (
	"debug/elf"
	"fmt"
	"os"
)

// Binary describes a built bootstrap.
type Binary struct {
	// Size is the file size in bytes.
	Size int64
	// Arch is the ELF machine, such as "EM_AARCH64".
	Arch string
	// Stripped is true when the file has no symbol table.
	Stripped bool
}

// InspectBinary reads the size, machine and symbol table of the ELF file at path.
func InspectBinary(path string) (Binary, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return Binary{}, fmt.Errorf("binary: %w", err)
	}
	f, err := elf.Open(path)
	if err != nil {
		return Binary{}, fmt.Errorf("binary %s: %w", path, err)
	}
	defer f.Close()
	return Binary{Size: fi.Size(), Arch: f.Machine.String(), Stripped: f.Section(".symtab") == nil}, nil
}
