package sshserver

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	gossh "golang.org/x/crypto/ssh"
)

// loadHostKey reads the server's private host key from path, creating an
// ed25519 key there with mode 0600 the first time. The key must stay the
// same across restarts: a new one makes every client's known_hosts check
// fail.
func loadHostKey(path string) (gossh.Signer, bool, error) {
	created := false
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if data, err = createHostKey(path); err != nil {
			return nil, false, err
		}
		created = true
	} else if err != nil {
		return nil, false, fmt.Errorf("cannot read SSH host key %s: %w", path, err)
	}

	info, err := os.Stat(path)
	if err != nil {
		return nil, false, fmt.Errorf("cannot read SSH host key %s: %w", path, err)
	}
	if info.Mode().Perm()&0o077 != 0 {
		return nil, false, fmt.Errorf("SSH host key %s has mode %04o, readable by other users; run `chmod 600 %s`", path, info.Mode().Perm(), path)
	}

	signer, err := gossh.ParsePrivateKey(data)
	if err != nil {
		return nil, false, fmt.Errorf("SSH host key %s is not an unencrypted private key (%v); move it away to have a new one created, or set [ssh] host_key", path, err)
	}
	return signer, created, nil
}

// createHostKey writes a new ed25519 key in OpenSSH format to path. The
// file is created exclusively, so a key that appeared meanwhile is never
// overwritten.
func createHostKey(path string) ([]byte, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("cannot create the folder for SSH host key %s: %w", path, err)
	}
	_, private, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generating SSH host key: %w", err)
	}
	block, err := gossh.MarshalPrivateKey(private, "poboard host key")
	if err != nil {
		return nil, fmt.Errorf("encoding SSH host key: %w", err)
	}
	data := pem.EncodeToMemory(block)

	file, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("cannot create SSH host key %s: %w", path, err)
	}
	if _, err := file.Write(data); err != nil {
		file.Close()
		os.Remove(path)
		return nil, fmt.Errorf("cannot write SSH host key %s: %w", path, err)
	}
	if err := file.Close(); err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("cannot write SSH host key %s: %w", path, err)
	}
	return data, nil
}
