package triggers_test

import (
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/phonepass/phonepass/ratelimit"
	"github.com/phonepass/phonepass/triggers"
)

// waitIn reads the wait out of a refusal's message: "try again in 15
// minutes".
var waitIn = regexp.MustCompile(`try again in (\d+) (second|minute|hour)s?`)

// TestGuessBudgetOverAYear plays a year, on a simulated clock, of an
// attacker who answers a victim's number wrong (he answers the challenge
// of one sign-in over and over, more than Cognito would allow, so the bound
// holds a fortiori), while the victim signs in with the right code at one
// rhythm or another: never, daily, every 12 hours, 4 hours, hour.
// Each right answer ends the run of wrong answers, and with it
// the cool-offs; before the day's limit a pacing attacker got 69 answers a
// day against a daily victim and 456 against an hourly one (issue 19). Two
// attackers: a greedy one answers whenever the budget lets him, and so
// locks the number (the victim is shut out, the attacker too); a pacing one
// stays one short of a cool-off and of the day's limit, so that the victim
// is never refused and resets his run. Whatever either does he gets at most
// 24 a rolling day: at most 8,760 in the year, a chance of at most 0.88 %
// of guessing a 6-digit code, under the 1 % the docs promise.
func TestGuessBudgetOverAYear(t *testing.T) {
	if testing.Short() {
		t.Skip("plays a year")
	}
	const year = 365 * 24 * time.Hour
	const bound = 365 * ratelimit.DefaultPerDay
	rules := ratelimit.DefaultGuessRules()
	for _, pacing := range []bool{false, true} {
		for _, rhythm := range []time.Duration{0, 24 * time.Hour, 12 * time.Hour, 4 * time.Hour, time.Hour} {
			name := "greedy, victim never signs in"
			if pacing {
				name = "pacing, victim never signs in"
			}
			if rhythm > 0 {
				name = name[:len(name)-len("never signs in")] + "signs in every " + rhythm.String()
			}
			t.Run(name, func(t *testing.T) {
				lim, err := ratelimit.NewMemory(ratelimit.Policy{
					Sends:   ratelimit.DefaultRules(),
					Guesses: ratelimit.DefaultGuessRules(),
					Key:     testKeys.Derive("ratelimit"),
				})
				if err != nil {
					t.Fatal(err)
				}
				f := newFixtureWith(t, nil, triggers.WithLimiter(lim))
				start := f.clock.Now()
				end := start.Add(year)
				attack := f.startSignIn(t)
				mustStart(t, attack)
				wrong := wrongCode(f.out.last(t))

				checked, victimIn, victimOut := 0, 0, 0
				nextAttack, nextVictim := start, start.Add(rhythm)
				run := 0             // the attacker's answers since the victim's last sign-in
				var mine []time.Time // the attacker's answers, for his own count of the day
				for {
					now := nextAttack
					victimTurn := rhythm > 0 && nextVictim.Before(nextAttack)
					if victimTurn {
						now = nextVictim
					}
					if !now.Before(end) {
						break
					}
					f.clock.Advance(now.Sub(f.clock.Now()))
					if victimTurn {
						nextVictim = nextVictim.Add(rhythm)
						s := f.startSignIn(t)
						if _, err := s.start(); err != nil {
							victimOut++
							continue
						}
						if res, err := s.answer(f.out.last(t), nil); res == resTokens {
							victimIn++
							run = 0
							if pacing {
								nextAttack = now
							}
						} else if err != nil {
							victimOut++
						}
						continue
					}
					if pacing {
						for len(mine) > 0 && !now.Before(mine[0].Add(24*time.Hour)) {
							mine = mine[1:]
						}
						if run >= rules.CoolOffEvery-1 || len(mine) >= rules.PerDay-1 {
							// Quiet until the victim resets the run, or a place frees up.
							nextAttack = end
							if rhythm > 0 {
								nextAttack = nextVictim.Add(time.Second)
							}
							if len(mine) >= rules.PerDay-1 && run < rules.CoolOffEvery-1 {
								nextAttack = mine[0].Add(24 * time.Hour)
							}
							continue
						}
					}
					ev := verifyEventFor(attack, wrong)
					err := invoke(t, f, &ev)
					switch m := waitIn.FindStringSubmatch(errString(err)); {
					case err == nil:
						checked++
						run++
						mine = append(mine, now)
						nextAttack = now.Add(time.Second)
					case m != nil:
						n, _ := strconv.Atoi(m[1])
						unit := map[string]time.Duration{"second": time.Second, "minute": time.Minute, "hour": time.Hour}[m[2]]
						nextAttack = now.Add(time.Duration(n) * unit)
					default: // locked: nothing before an administrator, or a year
						nextAttack = end
					}
				}
				chance := float64(checked) / 1e6
				t.Logf("%s: %d wrong answers checked in a year (%.2f %%), victim signed in %d times, refused %d", name, checked, 100*chance, victimIn, victimOut)
				if checked > bound || chance > 0.01 {
					t.Errorf("got %d answers checked in a year (%.2f %%), want at most %d (%.2f %%)", checked, 100*chance, bound, 100*float64(bound)/1e6)
				}
				if pacing && rhythm > 0 && rhythm <= time.Hour && checked < 365*(rules.PerDay-1)-rules.PerDay {
					t.Errorf("got %d answers checked, want the pacing attacker close to %d: the test must try hard", checked, 365*(rules.PerDay-1))
				}
				if pacing && victimOut > 0 {
					t.Errorf("the victim was refused %d times, want never: the pacing attacker stays quiet", victimOut)
				}
			})
		}
	}
}
