package cli

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"golang.org/x/crypto/bcrypt"
	"golang.org/x/term"
)

// genSecret prints a random secret for api_token or sso_secret.
func (c *cli) genSecret(args []string) int {
	if !c.parseFlags(flag.NewFlagSet("gen-secret", flag.ContinueOnError), args) {
		return c.flagCode
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return c.fail(exitFailure, fmt.Errorf("read random bytes: %w", err))
	}
	fmt.Fprintln(c.stdout, hex.EncodeToString(secret))
	return exitOK
}

// passwordCost is the bcrypt cost of new password hashes.
const passwordCost = 12

// hashPassword reads a password and prints its bcrypt hash.
func (c *cli) hashPassword(args []string) int {
	if !c.parseFlags(flag.NewFlagSet("hash-password", flag.ContinueOnError), args) {
		return c.flagCode
	}
	password, err := c.readPassword()
	if err != nil {
		return c.fail(exitSetup, err)
	}
	if len(password) < 12 {
		return c.fail(exitSetup, errors.New("the password is shorter than 12 characters: "+
			"choose a longer one"))
	}
	if len(password) > 72 {
		return c.fail(exitSetup, errors.New("the password is longer than 72 bytes, which "+
			"bcrypt cannot hash: choose a shorter one"))
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), passwordCost)
	if err != nil {
		return c.fail(exitFailure, fmt.Errorf("hash password: %w", err))
	}
	fmt.Fprintln(c.stdout, string(hash))
	return exitOK
}

// readPassword reads the password without echo from a terminal, or the
// first line of standard input otherwise.
func (c *cli) readPassword() (string, error) {
	stdin := int(os.Stdin.Fd())
	if term.IsTerminal(stdin) {
		fmt.Fprint(c.stderr, "Password: ")
		password, err := term.ReadPassword(stdin)
		fmt.Fprintln(c.stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		return string(password), nil
	}
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", errors.New("no password on standard input: pipe one in, or run " +
			"mfa-reminder hash-password in a terminal")
	}
	return strings.TrimRight(line, "\r\n"), nil
}
