package sshserver

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"

	"github.com/charmbracelet/log"
	gossh "golang.org/x/crypto/ssh"

	"poboard/store"
)

// KeyFiles are the two authorized_keys files that grant access: buyers may
// change POs, warehouse leads may only read. Both files are read again on
// every lookup, so edits take effect for the next connection without a
// restart.
type KeyFiles struct {
	Buyers    string
	Warehouse string

	logger *log.Logger

	// reported remembers the problems already logged, so a broken line is
	// logged once instead of on every connection.
	mu       sync.Mutex
	reported map[string]bool
}

// Identity is who an authorized key belongs to.
type Identity struct {
	// Name is the key's authorized_keys comment, or its SHA256 fingerprint
	// when the line has no comment.
	Name string
	Role store.Role
}

// Actor returns the store actor that acts for this identity.
func (id Identity) Actor() store.Actor {
	return store.Actor{Name: id.Name, Role: id.Role}
}

// KeyFileError reports an authorized_keys line that cannot be used.
type KeyFileError struct {
	Path   string
	Line   int
	Reason string
}

func (e *KeyFileError) Error() string {
	return fmt.Sprintf("authorized keys file %s, line %d: %s; fix or delete the line", e.Path, e.Line, e.Reason)
}

// authorizedKey is one usable line of an authorized_keys file.
type authorizedKey struct {
	key  gossh.PublicKey
	name string
}

// Check validates both files strictly. A missing file is fine and is
// returned in missing; any line that cannot be used is an error naming the
// file and the line.
func (k *KeyFiles) Check() (missing []string, err error) {
	for _, path := range []string{k.Buyers, k.Warehouse} {
		_, problems, readErr := readAuthorizedKeys(path)
		switch {
		case errors.Is(readErr, fs.ErrNotExist):
			missing = append(missing, path)
			continue
		case readErr != nil:
			return nil, readErr
		case len(problems) > 0:
			return nil, problems[0]
		}
	}
	return missing, nil
}

// Lookup returns the identity of key. A key listed in both files is a
// buyer. Lines that became invalid since start are skipped and logged, so
// one bad edit does not lock every other key out.
func (k *KeyFiles) Lookup(key gossh.PublicKey) (Identity, bool) {
	if key == nil {
		return Identity{}, false
	}
	files := []struct {
		path string
		role store.Role
	}{
		{k.Buyers, store.RoleBuyer},
		{k.Warehouse, store.RoleWarehouse},
	}
	target := key.Marshal()
	for _, file := range files {
		keys, problems, err := readAuthorizedKeys(file.path)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			k.report(err.Error(), err)
		}
		for _, problem := range problems {
			k.report(fmt.Sprintf("%s:%d:%s", problem.Path, problem.Line, problem.Reason), problem)
		}
		for _, candidate := range keys {
			if bytes.Equal(candidate.key.Marshal(), target) {
				return Identity{Name: candidate.name, Role: file.role}, true
			}
		}
	}
	return Identity{}, false
}

// report logs err once per distinct id.
func (k *KeyFiles) report(id string, err error) {
	k.mu.Lock()
	if k.reported == nil {
		k.reported = make(map[string]bool)
	}
	seen := k.reported[id]
	k.reported[id] = true
	k.mu.Unlock()

	if !seen && k.logger != nil {
		k.logger.Warn("skipping unusable authorized key", "err", err)
	}
}

// readAuthorizedKeys parses an authorized_keys file. Blank lines and lines
// starting with # are skipped. Lines with options (from=, command=,
// cert-authority and so on) are reported as problems because poboard would
// not enforce them, and granting access while ignoring a restriction the
// administrator wrote would be worse than refusing the line.
func readAuthorizedKeys(path string) ([]authorizedKey, []*KeyFileError, error) {
	file, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, err
		}
		return nil, nil, fmt.Errorf("cannot read authorized keys file %s: %w", path, err)
	}
	defer file.Close()

	var keys []authorizedKey
	var problems []*KeyFileError
	scanner := bufio.NewScanner(file)
	scanner.Buffer(make([]byte, 0, 16*1024), 1024*1024)
	number := 0
	for scanner.Scan() {
		number++
		text := strings.TrimSpace(scanner.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		key, comment, options, rest, err := gossh.ParseAuthorizedKey([]byte(text))
		switch {
		case err != nil:
			problems = append(problems, &KeyFileError{Path: path, Line: number,
				Reason: "not a public key in authorized_keys format (expected \"ssh-ed25519 AAAA... name\")"})
			continue
		case len(options) > 0:
			problems = append(problems, &KeyFileError{Path: path, Line: number,
				Reason: fmt.Sprintf("key options such as %q are not supported", options[0])})
			continue
		case len(bytes.TrimSpace(rest)) > 0:
			problems = append(problems, &KeyFileError{Path: path, Line: number,
				Reason: "holds more than one key; put each key on its own line"})
			continue
		}
		name := strings.TrimSpace(comment)
		if name == "" {
			name = gossh.FingerprintSHA256(key)
		}
		keys = append(keys, authorizedKey{key: key, name: name})
	}
	if err := scanner.Err(); err != nil {
		return nil, nil, fmt.Errorf("cannot read authorized keys file %s: %w", path, err)
	}
	return keys, problems, nil
}
