// Package extensiv connects poboard to Extensiv 3PL Warehouse Manager
// (formerly 3PL Central) through its REST API. A pushed PO becomes a
// receiver whose reference number is the PO number; receipts come back by
// polling receivers on their last-modified date.
package extensiv

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"poboard/store"
	"poboard/wms"
)

// Environment variables that hold the API credentials. Secrets never come
// from the config file.
const (
	EnvClientID     = "POBOARD_EXTENSIV_CLIENT_ID"
	EnvClientSecret = "POBOARD_EXTENSIV_CLIENT_SECRET"
)

// Name is the connector's config name; Label and Color are its push button.
const (
	Name  = "extensiv"
	Label = "Extensiv"
	Color = "#E8702A"
)

// Defaults for the optional keys of [wms.extensiv].
const (
	DefaultTimeout       = 30 * time.Second
	DefaultPageSize      = 500
	DefaultSupplierField = "Supplier"

	// maxPageSize is the largest pgsiz Extensiv accepts on receivers; a
	// larger one is an error, not a clamp.
	maxPageSize = 500
)

// Config is the [wms.extensiv] table.
type Config struct {
	// BaseURL is the API root, https://secure-wms.com for production.
	BaseURL    string `toml:"base_url"`
	CustomerID int    `toml:"customer_id"`
	FacilityID int    `toml:"facility_id"`
	// UserLogin is the 3PL Warehouse Manager user the credentials act as.
	UserLogin string `toml:"user_login"`
	// TPL is the warehouse's 3PL GUID, needed only by dynamic credentials.
	TPL string `toml:"tpl"`
	// Timezone is the IANA name of the facility's time zone; Extensiv
	// timestamps carry no offset and are read in it. UTC when empty.
	Timezone string `toml:"timezone"`
	// SupplierField is the receiver's custom field (saved element) that
	// carries the supplier's name; "-" turns it off.
	SupplierField string `toml:"supplier_field"`
	// Currency of the unit costs Extensiv holds, for the initial import.
	// The store's default currency when empty.
	Currency string `toml:"currency"`
	// Timeout bounds one HTTP request, as a Go duration ("30s").
	Timeout string `toml:"timeout"`
	// PageSize is the receivers page size, 1 to 500.
	PageSize int `toml:"page_size"`
}

// Connector is the Extensiv connector. It is safe for concurrent use.
type Connector struct {
	cfg      Config
	missing  []string
	problems []string
	client   *client
}

func init() {
	wms.Register(wms.Info{
		Name: Name, Label: Label, Color: Color,
		Keys: []string{"base_url", "customer_id", "facility_id", "user_login", EnvClientID, EnvClientSecret},
	}, func(settings wms.Settings) (wms.Connector, error) {
		var cfg Config
		if settings.Decode != nil {
			if err := settings.Decode(&cfg); err != nil {
				return nil, fmt.Errorf("reading [wms.extensiv] failed: %w", err)
			}
		}
		getenv := settings.Getenv
		if getenv == nil {
			getenv = func(string) string { return "" }
		}
		return New(cfg, getenv(EnvClientID), getenv(EnvClientSecret), nil), nil
	})
}

// New returns a connector for cfg and the given credentials. It always
// succeeds: with settings missing or invalid, Missing lists them and every
// call returns a permanent error naming them. httpClient may be nil.
func New(cfg Config, clientID, clientSecret string, httpClient *http.Client) *Connector {
	c := &Connector{cfg: cfg}
	if strings.TrimSpace(cfg.SupplierField) == "" {
		c.cfg.SupplierField = DefaultSupplierField
	}
	if cfg.PageSize == 0 {
		c.cfg.PageSize = DefaultPageSize
	}

	if strings.TrimSpace(cfg.BaseURL) == "" {
		c.missing = append(c.missing, "base_url")
	}
	if cfg.CustomerID <= 0 {
		c.missing = append(c.missing, "customer_id")
	}
	if cfg.FacilityID <= 0 {
		c.missing = append(c.missing, "facility_id")
	}
	if strings.TrimSpace(cfg.UserLogin) == "" {
		c.missing = append(c.missing, "user_login")
	}
	if clientID == "" {
		c.missing = append(c.missing, EnvClientID)
	}
	if clientSecret == "" {
		c.missing = append(c.missing, EnvClientSecret)
	}

	base, err := url.Parse(strings.TrimRight(strings.TrimSpace(cfg.BaseURL), "/"))
	if cfg.BaseURL != "" && (err != nil || (base.Scheme != "https" && base.Scheme != "http") || base.Host == "") {
		c.problems = append(c.problems, fmt.Sprintf("base_url %q is not an http(s) URL; use https://secure-wms.com", cfg.BaseURL))
	}
	location := time.UTC
	if cfg.Timezone != "" {
		loaded, err := time.LoadLocation(cfg.Timezone)
		if err != nil {
			c.problems = append(c.problems, fmt.Sprintf("timezone %q is not an IANA time zone name; write it like America/Los_Angeles", cfg.Timezone))
		} else {
			location = loaded
		}
	}
	timeout := DefaultTimeout
	if cfg.Timeout != "" {
		parsed, err := time.ParseDuration(cfg.Timeout)
		if err != nil || parsed <= 0 {
			c.problems = append(c.problems, fmt.Sprintf("timeout %q is not a positive duration; write it like 30s", cfg.Timeout))
		} else {
			timeout = parsed
		}
	}
	if c.cfg.PageSize < 1 || c.cfg.PageSize > maxPageSize {
		c.problems = append(c.problems, fmt.Sprintf("page_size %d is out of range; use 1 to %d", cfg.PageSize, maxPageSize))
	}
	if cfg.Currency != "" && !store.ValidCurrency(strings.ToUpper(cfg.Currency)) {
		c.problems = append(c.problems, fmt.Sprintf("currency %q is not a three-letter ISO 4217 code such as USD", cfg.Currency))
	}

	if httpClient == nil {
		httpClient = &http.Client{}
	}
	c.client = &client{
		http: httpClient, base: base, timeout: timeout, location: location,
		clientID: clientID, clientSecret: clientSecret, userLogin: cfg.UserLogin, tpl: cfg.TPL,
	}
	return c
}

// Name returns "extensiv".
func (c *Connector) Name() string { return Name }

// Label returns "Extensiv".
func (c *Connector) Label() string { return Label }

// Color returns the push button's colour.
func (c *Connector) Color() string { return Color }

// Missing returns the config keys and environment variables still to set.
func (c *Connector) Missing() []string { return append([]string(nil), c.missing...) }

// ready returns a permanent error when the connector cannot make calls.
func (c *Connector) ready() error {
	if len(c.missing) > 0 {
		return wms.Permanent(fmt.Sprintf("Extensiv is not set up: set %s ([wms.extensiv] keys in the config file, secrets in the environment)",
			strings.Join(c.missing, ", ")), nil)
	}
	if len(c.problems) > 0 {
		return wms.Permanent("Extensiv settings are invalid: "+strings.Join(c.problems, "; "), nil)
	}
	return nil
}

// Test mints a token and reads one receiver of the customer, which checks
// the credentials, the user login and the ReceiverView role.
func (c *Connector) Test(ctx context.Context) error {
	if err := c.ready(); err != nil {
		return err
	}
	query := url.Values{}
	query.Set("pgsiz", "1")
	query.Set("pgnum", "1")
	query.Set("rql", c.scopeRQL())
	var page receiverPage
	_, err := c.client.getJSON(ctx, "/inventory/receivers?"+query.Encode(), &page)
	return err
}

// scopeRQL limits a receivers query to the configured customer and
// facility: one credential can often see every customer of the warehouse.
func (c *Connector) scopeRQL() string {
	return fmt.Sprintf("readOnly.customerIdentifier.id==%d;readOnly.facilityIdentifier.id==%d", c.cfg.CustomerID, c.cfg.FacilityID)
}
