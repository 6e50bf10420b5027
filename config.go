package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// Config is the TOML configuration; every key is optional and the zero
// file runs the board on the built-in simulated warehouse.
type Config struct {
	WMS      WMSConfig      `toml:"wms"`
	SSH      SSHConfig      `toml:"ssh"`
	Forecast ForecastConfig `toml:"forecast"`
	Log      LogConfig      `toml:"log"`

	meta toml.MetaData
}

// WMSConfig is the [wms] table. Each connector's own table,
// [wms.NAME], is decoded by that connector.
type WMSConfig struct {
	Connector          string   `toml:"connector"`
	PollInterval       Duration `toml:"poll_interval"`
	ImportExistingDays int      `toml:"import_existing_days"`

	Simulator toml.Primitive `toml:"simulator"`
	Extensiv  toml.Primitive `toml:"extensiv"`
	ShipHero  toml.Primitive `toml:"shiphero"`
	ShipBob   toml.Primitive `toml:"shipbob"`
	EDI       toml.Primitive `toml:"edi"`
}

// SSHConfig is the [ssh] table used by `poboard serve`.
type SSHConfig struct {
	Listen        string `toml:"listen"`
	HostKey       string `toml:"host_key"`
	BuyersKeys    string `toml:"buyers_keys"`
	WarehouseKeys string `toml:"warehouse_keys"`
}

// ForecastConfig is the [forecast] table: defaults for suppliers and SKUs
// without settings of their own, in days.
type ForecastConfig struct {
	LeadTimeDays int `toml:"lead_time_days"`
	CoverDays    int `toml:"cover_days"`
	SafetyDays   int `toml:"safety_days"`
}

// LogConfig is the [log] table.
type LogConfig struct {
	File  string `toml:"file"`
	Level string `toml:"level"`
}

// Duration reads TOML strings such as "5m" or "30s".
type Duration struct{ time.Duration }

// UnmarshalText parses a Go duration string.
func (d *Duration) UnmarshalText(text []byte) error {
	parsed, err := time.ParseDuration(string(text))
	if err != nil {
		return fmt.Errorf("invalid duration %q; write it like \"5m\" or \"30s\"", text)
	}
	if parsed < 0 {
		return fmt.Errorf("invalid duration %q; it must not be negative", text)
	}
	d.Duration = parsed
	return nil
}

// defaultConfig returns the values used for keys the file leaves out.
func defaultConfig() Config {
	return Config{
		WMS:      WMSConfig{Connector: "simulator", ImportExistingDays: 90},
		SSH:      SSHConfig{Listen: "127.0.0.1:23234"},
		Forecast: ForecastConfig{LeadTimeDays: 30, CoverDays: 30, SafetyDays: 7},
		Log:      LogConfig{Level: "info"},
	}
}

// loadConfig reads path over the defaults. A missing file is fine unless
// the user named it (required).
func loadConfig(path string, required bool) (Config, error) {
	cfg := defaultConfig()
	meta, err := toml.DecodeFile(path, &cfg)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) && !required {
			return cfg, nil
		}
		if errors.Is(err, fs.ErrNotExist) {
			return cfg, fmt.Errorf("config file %s not found; create it or leave out --config", path)
		}
		var parseErr toml.ParseError
		if errors.As(err, &parseErr) {
			return cfg, fmt.Errorf("config file %s: %s", path, parseErr.ErrorWithPosition())
		}
		return cfg, fmt.Errorf("config file %s: %w", path, err)
	}
	cfg.meta = meta

	var unknown []string
	for _, key := range meta.Undecoded() {
		// Connector tables are decoded by their connectors.
		if len(key) >= 3 && key[0] == "wms" && isConnectorTable(key[1]) {
			continue
		}
		unknown = append(unknown, key.String())
	}
	if len(unknown) > 0 {
		return cfg, fmt.Errorf("config file %s has unknown keys: %s; check their spelling against the README", path, strings.Join(unknown, ", "))
	}
	if cfg.WMS.ImportExistingDays < 0 {
		return cfg, fmt.Errorf("config file %s: [wms] import_existing_days is %d; it must be 0 or more", path, cfg.WMS.ImportExistingDays)
	}
	for key, days := range map[string]int{"lead_time_days": cfg.Forecast.LeadTimeDays, "cover_days": cfg.Forecast.CoverDays, "safety_days": cfg.Forecast.SafetyDays} {
		if days < 0 {
			return cfg, fmt.Errorf("config file %s: [forecast] %s is %d; it must be 0 or more days", path, key, days)
		}
	}
	return cfg, nil
}

func isConnectorTable(name string) bool {
	switch name {
	case "simulator", "extensiv", "shiphero", "shipbob", "edi":
		return true
	}
	return false
}

// connectorTable returns a decoder for the [wms.NAME] table; decoding an
// absent table leaves the target unchanged.
func (c Config) connectorTable(name string) func(v any) error {
	var primitive toml.Primitive
	switch name {
	case "simulator":
		primitive = c.WMS.Simulator
	case "extensiv":
		primitive = c.WMS.Extensiv
	case "shiphero":
		primitive = c.WMS.ShipHero
	case "shipbob":
		primitive = c.WMS.ShipBob
	case "edi":
		primitive = c.WMS.EDI
	}
	return func(v any) error {
		if !c.meta.IsDefined("wms", name) {
			return nil
		}
		if err := c.meta.PrimitiveDecode(primitive, v); err != nil {
			return fmt.Errorf("config [wms.%s]: %w", name, err)
		}
		return nil
	}
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
