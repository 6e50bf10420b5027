package extensiv

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"poboard/wms"
)

// maxBody caps how much of one response is read, so a misbehaving server
// cannot exhaust memory. 500 receivers with their lines fit well inside.
const maxBody = 64 << 20

// tokenRenewCap is the longest a token is used: Extensiv's help center requests
// integrations to mint a new one at least every 30 minutes.
const tokenRenewCap = 30 * time.Minute

// client sends authenticated requests to one Extensiv API root.
type client struct {
	http     *http.Client
	base     *url.URL
	timeout  time.Duration
	location *time.Location

	clientID, clientSecret, userLogin, tpl string

	// mintMu makes concurrent callers wait for one token request.
	mintMu  sync.Mutex
	mu      sync.Mutex
	token   string
	renewAt time.Time
}

// response is a finished HTTP exchange with its body read.
type response struct {
	status int
	header http.Header
	body   []byte
}

// uncertainError marks a failure after which the request may have reached
// Extensiv and taken effect: a timeout, a dropped connection or a 5xx.
type uncertainError struct{ err error }

func (e *uncertainError) Error() string { return e.err.Error() }
func (e *uncertainError) Unwrap() error { return e.err }

func isUncertain(err error) bool {
	var uncertain *uncertainError
	return errors.As(err, &uncertain)
}

// tokenResponse is the body of a successful token request.
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
}

// bearer returns a token that is not due for renewal, minting one if needed.
func (c *client) bearer(ctx context.Context) (string, error) {
	c.mu.Lock()
	token, renewAt := c.token, c.renewAt
	c.mu.Unlock()
	if token != "" && time.Now().Before(renewAt) {
		return token, nil
	}

	c.mintMu.Lock()
	defer c.mintMu.Unlock()
	c.mu.Lock()
	token, renewAt = c.token, c.renewAt
	c.mu.Unlock()
	if token != "" && time.Now().Before(renewAt) {
		return token, nil
	}
	return c.mint(ctx)
}

// dropToken discards token after Extensiv rejected it, unless another caller
// has already replaced it.
func (c *client) dropToken(token string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token == token {
		c.token = ""
	}
}

// mint requests a new access token with the client credentials grant.
func (c *client) mint(ctx context.Context) (string, error) {
	payload := map[string]string{"grant_type": "client_credentials", "user_login": c.userLogin}
	if c.tpl != "" {
		payload["tpl"] = c.tpl
	}
	body, err := json.Marshal(payload)
	if err != nil {
		return "", err
	}

	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	request, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base.String()+"/AuthServer/api/Token", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	request.SetBasicAuth(c.clientID, c.clientSecret)
	request.Header.Set("Content-Type", "application/json")
	request.Header.Set("Accept", "application/json")

	issued := time.Now()
	resp, err := c.send(request)
	if err != nil {
		return "", err
	}
	switch {
	case resp.status == http.StatusBadRequest || resp.status == http.StatusUnauthorized || resp.status == http.StatusForbidden:
		return "", wms.Permanent(fmt.Sprintf("Extensiv rejected the credentials (HTTP %d) for user_login %q; check %s, %s and user_login, and that the credential is active in the Extensiv support portal",
			resp.status, c.userLogin, EnvClientID, EnvClientSecret), nil)
	case resp.status == http.StatusNotFound:
		return "", wms.Permanent(fmt.Sprintf("Extensiv token endpoint not found at %s; check base_url (production is https://secure-wms.com)", c.base), nil)
	case resp.status >= 300:
		return "", statusError(http.MethodPost, "/AuthServer/api/Token", resp)
	}

	var minted tokenResponse
	if err := json.Unmarshal(resp.body, &minted); err != nil || minted.AccessToken == "" {
		return "", fmt.Errorf("Extensiv token response is not the expected JSON (HTTP %d); will retry", resp.status)
	}
	lifetime := time.Duration(minted.ExpiresIn) * time.Second
	if lifetime <= 0 {
		lifetime = tokenRenewCap
	}
	// Renew a fifth of the lifetime early so a token never expires in the
	// middle of a paged poll.
	renewAt := issued.Add(min(lifetime-lifetime/5, tokenRenewCap))

	c.mu.Lock()
	c.token, c.renewAt = minted.AccessToken, renewAt
	c.mu.Unlock()
	return minted.AccessToken, nil
}

// send runs one request and reads its body. Transport failures come back
// as uncertainError because the request may have been processed.
func (c *client) send(request *http.Request) (*response, error) {
	resp, err := c.http.Do(request)
	if err != nil {
		return nil, transportError(request, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, transportError(request, err)
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: body}, nil
}

func transportError(request *http.Request, err error) error {
	where := request.Method + " " + request.URL.Path
	if errors.Is(err, context.DeadlineExceeded) {
		return &uncertainError{fmt.Errorf("Extensiv timed out on %s; will retry: %w", where, err)}
	}
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("%s cancelled: %w", where, err)
	}
	return &uncertainError{fmt.Errorf("Extensiv request %s failed; will retry: %w", where, err)}
}

// resolve turns a path or a HAL link into a URL under base. Links to any
// other host are rejected so the bearer token never leaves Extensiv.
func (c *client) resolve(ref string) (*url.URL, error) {
	parsed, err := url.Parse(ref)
	if err != nil {
		return nil, fmt.Errorf("Extensiv link %q is not a URL: %w", ref, err)
	}
	if parsed.IsAbs() {
		if parsed.Scheme != c.base.Scheme || parsed.Host != c.base.Host {
			return nil, wms.Permanent(fmt.Sprintf("Extensiv sent a link to %s, outside base_url %s; not followed", parsed.Host, c.base), nil)
		}
		return parsed, nil
	}
	if !strings.HasPrefix(parsed.Path, "/") {
		parsed.Path = "/" + parsed.Path
	}
	resolved := *c.base
	resolved.Path = strings.TrimRight(c.base.Path, "/") + parsed.Path
	resolved.RawQuery = parsed.RawQuery
	return &resolved, nil
}

// do sends an authenticated request. After a 401 it mints a new token and
// tries once more. Every status is returned; callers map them to errors.
func (c *client) do(ctx context.Context, method, ref string, body []byte, header http.Header) (*response, error) {
	target, err := c.resolve(ref)
	if err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		token, err := c.bearer(ctx)
		if err != nil {
			return nil, err
		}
		resp, err := c.sendOnce(ctx, method, target, body, header, token)
		if err != nil {
			return nil, err
		}
		if resp.status != http.StatusUnauthorized {
			return resp, nil
		}
		c.dropToken(token)
		if attempt > 0 {
			return nil, wms.Permanent(fmt.Sprintf("Extensiv rejected a new token for user_login %q on %s %s (HTTP 401); check that the credential and the user are active",
				c.userLogin, method, target.Path), nil)
		}
	}
}

func (c *client) sendOnce(ctx context.Context, method string, target *url.URL, body []byte, header http.Header, token string) (*response, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var reader io.Reader
	if body != nil {
		reader = bytes.NewReader(body)
	}
	request, err := http.NewRequestWithContext(ctx, method, target.String(), reader)
	if err != nil {
		return nil, err
	}
	for key, values := range header {
		request.Header[key] = values
	}
	request.Header.Set("Authorization", "Bearer "+token)
	request.Header.Set("Accept", "application/hal+json")
	if body != nil {
		request.Header.Set("Content-Type", "application/hal+json")
	}
	return c.send(request)
}

// getJSON fetches ref into v and returns the response's ETag.
func (c *client) getJSON(ctx context.Context, ref string, v any) (string, error) {
	resp, err := c.do(ctx, http.MethodGet, ref, nil, nil)
	if err != nil {
		return "", err
	}
	if resp.status != http.StatusOK {
		return "", statusError(http.MethodGet, pathOf(ref), resp)
	}
	if err := decode(resp, v); err != nil {
		return "", err
	}
	return resp.header.Get("ETag"), nil
}

// decode reads a JSON body. Malformed JSON is treated as transient, since
// proxies and overloaded servers send HTML error pages with status 200.
func decode(resp *response, v any) error {
	decoder := json.NewDecoder(bytes.NewReader(resp.body))
	decoder.UseNumber()
	if err := decoder.Decode(v); err != nil {
		return fmt.Errorf("Extensiv sent a response that is not valid JSON (HTTP %d, %d bytes); will retry: %w", resp.status, len(resp.body), err)
	}
	return nil
}

func pathOf(ref string) string {
	if parsed, err := url.Parse(ref); err == nil {
		return parsed.Path
	}
	return ref
}

// apiError is Extensiv's error body. Its exception type comes in "$type"
// (.NET style) and its fields are PascalCase.
type apiError struct {
	Type       string `json:"$type"`
	ErrorCode  string `json:"ErrorCode"`
	Hint       string `json:"Hint"`
	Properties []struct {
		Name  string `json:"Name"`
		Value any    `json:"Value"`
	} `json:"Properties"`
}

// parseAPIError reads an error body; fields stay empty when it is not one.
func parseAPIError(body []byte) apiError {
	var parsed apiError
	_ = json.Unmarshal(body, &parsed)
	return parsed
}

// statusError maps an unexpected status to the error the sync engine acts
// on: permanent for client errors that retrying cannot fix, RetryAfterError
// for throttling, transient for the rest.
func statusError(method, path string, resp *response) error {
	where := method + " " + path
	detail := parseAPIError(resp.body)
	hint := ""
	if detail.Hint != "" {
		hint = ": " + detail.Hint
	}

	switch {
	case resp.status == http.StatusForbidden:
		return wms.Permanent(fmt.Sprintf("Extensiv denied %s (HTTP 403): the credential lacks a role; ask the warehouse to tick ReceiverView and ReceiverEdit for it under Manage Credentials", where), nil)
	case resp.status == http.StatusTooManyRequests || resp.status == http.StatusServiceUnavailable:
		err := fmt.Errorf("Extensiv is busy on %s (HTTP %d)", where, resp.status)
		if after, ok := parseRetryAfter(resp.header.Get("Retry-After")); ok {
			return &wms.RetryAfterError{After: after, Err: err}
		}
		return fmt.Errorf("%w; will retry", err)
	case resp.status >= 500:
		return &uncertainError{fmt.Errorf("Extensiv failed on %s (HTTP %d)%s; will retry", where, resp.status, hint)}
	case resp.status == http.StatusRequestTimeout:
		return &uncertainError{fmt.Errorf("Extensiv timed out on %s (HTTP 408); will retry", where)}
	case resp.status == http.StatusNotFound:
		return wms.Permanent(fmt.Sprintf("Extensiv has no %s (HTTP 404); check base_url", path), nil)
	case resp.status >= 400:
		code := detail.ErrorCode
		if code == "" {
			code = "no error code"
		}
		return wms.Permanent(fmt.Sprintf("Extensiv rejected %s (HTTP %d, %s)%s", where, resp.status, code, hint), nil)
	}
	return fmt.Errorf("Extensiv returned unexpected HTTP %d on %s; will retry", resp.status, where)
}

// parseRetryAfter reads Retry-After as seconds or as an HTTP date.
func parseRetryAfter(value string) (time.Duration, bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0, false
	}
	if seconds, err := strconv.Atoi(value); err == nil && seconds >= 0 {
		return time.Duration(seconds) * time.Second, true
	}
	if at, err := http.ParseTime(value); err == nil {
		return max(time.Until(at), 0), true
	}
	return 0, false
}
