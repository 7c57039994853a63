package phone

// MinDigits and MaxDigits bound the digits of an E.164 number, country code
// included: 15 is E.164's maximum; 7 is the shortest number in use (small
// countries such as Niue, +683 and four digits).
const (
	MinDigits = 7
	MaxDigits = 15
)

// Valid reports whether number is a strict E.164 number: "+", a first
// digit that is not 0 (no country code starts with 0), and MinDigits to
// MaxDigits ASCII digits in all, nothing else.
func Valid(number string) bool {
	if len(number) < 1+MinDigits || len(number) > 1+MaxDigits || number[0] != '+' || number[1] == '0' {
		return false
	}
	return digitsOnly(number[1:])
}

// Mask hides all but the last four characters of a number, keeping a
// leading "+": "+447700904455" becomes "+********4455". Text of four
// characters or fewer is masked whole; "" stays "".
func Mask(number string) string {
	if number == "" {
		return ""
	}
	b := []byte(number)
	keep := len(b) - 4
	for i := range b {
		if i == 0 && b[i] == '+' {
			continue
		}
		if i < keep || keep <= 0 {
			b[i] = '*'
		}
	}
	return string(b)
}
