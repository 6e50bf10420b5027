package store

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// minorDigits lists ISO 4217 currencies whose minor unit is not two digits.
var minorDigits = map[string]int{
	"BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0,
	"PYG": 0, "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
	"BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
}

// MinorDigits returns how many decimal places the currency's minor unit has.
func MinorDigits(currency string) int {
	if digits, ok := minorDigits[strings.ToUpper(currency)]; ok {
		return digits
	}
	return 2
}

// ValidCurrency reports whether code looks like an ISO 4217 code (three letters).
func ValidCurrency(code string) bool {
	if len(code) != 3 {
		return false
	}
	for _, r := range code {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// FormatMoney writes minor units as a decimal string, "4.25" for 425 EUR cents.
func FormatMoney(minor int64, currency string) string {
	digits := MinorDigits(currency)
	sign := ""
	if minor < 0 {
		sign = "-"
		minor = -minor
	}
	if digits == 0 {
		return sign + strconv.FormatInt(minor, 10)
	}
	scale := int64(math.Pow10(digits))
	return fmt.Sprintf("%s%d.%0*d", sign, minor/scale, digits, minor%scale)
}

// ParseMoney reads a decimal amount ("4.25", "4,25", "4") into minor units
// of currency. More decimals than the currency has are rejected, never rounded.
func ParseMoney(text, currency string) (int64, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return 0, &ValidationError{Field: "amount", Value: text, Reason: "empty; write it like 4.25"}
	}
	digits := MinorDigits(currency)
	negative := strings.HasPrefix(text, "-")
	body := strings.TrimPrefix(text, "-")
	body = strings.Replace(body, ",", ".", 1)
	whole, frac, hasFrac := strings.Cut(body, ".")
	if whole == "" {
		whole = "0"
	}
	if !allDigits(whole) || (hasFrac && !allDigits(frac)) || (hasFrac && frac == "") {
		return 0, &ValidationError{Field: "amount", Value: text, Reason: "not a decimal number; write it like 4.25"}
	}
	if len(frac) > digits {
		return 0, &ValidationError{Field: "amount", Value: text,
			Reason: fmt.Sprintf("%s has %d decimal places", strings.ToUpper(currency), digits)}
	}
	frac += strings.Repeat("0", digits-len(frac))
	wholeUnits, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || wholeUnits > math.MaxInt64/int64(math.Pow10(digits))-1 {
		return 0, &ValidationError{Field: "amount", Value: text, Reason: "too large"}
	}
	var fracUnits int64
	if frac != "" {
		fracUnits, _ = strconv.ParseInt(frac, 10, 64)
	}
	minor := wholeUnits*int64(math.Pow10(digits)) + fracUnits
	if negative {
		minor = -minor
	}
	return minor, nil
}

func allDigits(text string) bool {
	if text == "" {
		return false
	}
	for _, r := range text {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
