package shopify

import (
	"io"
	"strconv"
	"strings"
	"testing"
)

func TestProductsCarryTitleToVariants(t *testing.T) {
	input := "Handle,Title,Vendor,Option1 Name,Option1 Value,Variant SKU,Cost per item,Image Src\n" +
		"tee,Tee,Acme,Size,M,TEE-M,4.25,https://example.com/a.png\n" +
		"tee,,,,L,TEE-L,4.50,\n" +
		"tee,,,,,,,https://example.com/b.png\n" +
		"cap,Cap,Bolt,Title,Default Title,CAP,,\n" +
		"mug,Mug,Bolt,Title,Default Title,,3.00,\n"
	reader, err := NewProductReader(strings.NewReader(input))
	if err != nil {
		t.Fatal(err)
	}
	var names, vendors, costs []string
	for {
		p, err := reader.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, p.SKU+"="+p.LineItemName())
		vendors = append(vendors, p.Vendor)
		costs = append(costs, p.Cost)
	}
	if got := strings.Join(names, "|"); got != "TEE-M=Tee - M|TEE-L=Tee - L|CAP=Cap" {
		t.Errorf("names = %s", got)
	}
	if got := strings.Join(vendors, "|"); got != "Acme|Acme|Bolt" {
		t.Errorf("vendors = %s", got)
	}
	if got := strings.Join(costs, "|"); got != "4.25|4.50|" {
		t.Errorf("costs = %s", got)
	}
	stats := reader.Stats()
	if stats.ImageRows != 1 || stats.WithoutSKU != 1 {
		t.Errorf("stats = %+v, want 1 image row and 1 variant without SKU", stats)
	}
}

func TestNewestProductHeaders(t *testing.T) {
	input := "Title;URL handle;Vendor;SKU;Option1 value;Cost per item\nTee;tee;Acme;TEE-M;M;4,25\n"
	reader, err := NewProductReader(strings.NewReader(input))
	if err != nil {
		t.Fatal(err)
	}
	p, err := reader.Next()
	if err != nil {
		t.Fatal(err)
	}
	if p.SKU != "TEE-M" || p.Cost != "4.25" || p.LineItemName() != "Tee - M" {
		t.Errorf("product = %+v, want TEE-M at 4.25 named Tee - M", p)
	}
}

func readStock(t *testing.T, input string) ([]string, InventoryStats) {
	t.Helper()
	reader, err := NewInventoryReader(strings.NewReader(input))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for {
		s, err := reader.Next()
		if err == io.EOF {
			return out, reader.Stats()
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, s.SKU+"@"+s.Location+"="+strconv.Itoa(s.OnHand))
	}
}

func TestInventoryLongLayout(t *testing.T) {
	input := "Handle,Title,SKU,Location,Incoming (not editable),Available (not editable),On hand (current),On hand (new)\n" +
		"tee,Tee,TEE-M,Berlin,5,3,4,\n" +
		"tee,Tee,TEE-M,Paris,0,not stocked,not stocked,\n" +
		"tee,Tee,TEE-L,Berlin,0,-1,-1,\n" +
		"tee,Tee,,Berlin,0,2,2,\n"
	stock, stats := readStock(t, input)
	if got := strings.Join(stock, "|"); got != "TEE-M@Berlin=4|TEE-L@Berlin=-1" {
		t.Errorf("stock = %s, want on hand (current) per location", got)
	}
	if stats.NotStocked != 1 || stats.WithoutSKU != 1 {
		t.Errorf("stats = %+v", stats)
	}
}

func TestInventoryWideLayout(t *testing.T) {
	stock, _ := readStock(t, "SKU,Main Warehouse,Shop Floor\nTEE-M,7,2\nTEE-L,0,\n")
	if got := strings.Join(stock, "|"); got != "TEE-M@Main Warehouse=7|TEE-M@Shop Floor=2|TEE-L@Main Warehouse=0" {
		t.Errorf("stock = %s", got)
	}
}

func TestInventoryBadQuantity(t *testing.T) {
	reader, err := NewInventoryReader(strings.NewReader("SKU,Location,On hand\nTEE,Berlin,lots\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = reader.Next()
	if err == nil || !strings.Contains(err.Error(), "line 2") || !strings.Contains(err.Error(), `"lots"`) {
		t.Errorf("error = %v, want line 2 and the value", err)
	}
}
