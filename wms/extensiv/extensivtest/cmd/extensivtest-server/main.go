// Command extensivtest-server runs the local Extensiv stand-in so the
// connector can be tried by hand. It listens on 127.0.0.1 only, seeds a
// few items and receivers, and prints the settings to use:
//
//	go run ./wms/extensiv/extensivtest/cmd/extensivtest-server
//
// Receipts are driven from its prompt: type "help" for the commands.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"poboard/wms/extensiv/extensivtest"
)

func main() {
	customer := flag.Int("customer", 7, "customer id the seeded items and receivers belong to")
	facility := flag.Int("facility", 3, "facility id of the seeded receivers")
	ttl := flag.Duration("token-ttl", time.Hour, "lifetime of each access token")
	zone := flag.String("timezone", "UTC", "facility time zone (IANA name) the timestamps are written in")
	items := flag.String("items", "TEE-BLK-M,TEE-WHT-L,CAP-RED,MUG-XL", "comma-separated SKUs the customer has")
	flag.Parse()

	location, err := time.LoadLocation(*zone)
	if err != nil {
		fmt.Fprintf(os.Stderr, "extensivtest-server: timezone %q is not an IANA time zone name: %v\n", *zone, err)
		os.Exit(2)
	}
	srv, err := extensivtest.New(extensivtest.Options{TokenTTL: *ttl, Location: location})
	if err != nil {
		fmt.Fprintf(os.Stderr, "extensivtest-server: starting failed: %v\n", err)
		os.Exit(1)
	}
	defer srv.Close()
	srv.SeedItems(*customer, strings.Split(*items, ",")...)
	seeded := srv.AddReceiver(extensivtest.Receiver{CustomerID: *customer, FacilityID: *facility, ReferenceNum: "ACME-5512",
		SavedElements: map[string]string{"Supplier": "Acme Textiles"},
		Items:         []extensivtest.Item{{SKU: "TEE-BLK-M", Qty: 24, Cost: "4.25"}}})

	fmt.Printf("Items this warehouse knows (a PO with other SKUs is rejected; add more with -items): %s\n", *items)
	fmt.Printf(`Extensiv test server on %s (receiver %d seeded for the initial import)

[wms]
connector = "extensiv"

[wms.extensiv]
base_url = %q
customer_id = %d
facility_id = %d
user_login = "poboard"
timezone = %q

export POBOARD_EXTENSIV_CLIENT_ID=test-client POBOARD_EXTENSIV_CLIENT_SECRET=test-secret

Type "help" for commands; ctrl+d or ctrl+c stops the server.
`, srv.URL, seeded, srv.URL, *customer, *facility, *zone)

	interrupt := make(chan os.Signal, 1)
	signal.Notify(interrupt, os.Interrupt)
	lines := make(chan string)
	go func() {
		scanner := bufio.NewScanner(os.Stdin)
		for scanner.Scan() {
			lines <- scanner.Text()
		}
		close(lines)
	}()
	for {
		fmt.Print("> ")
		select {
		case <-interrupt:
			fmt.Println()
			return
		case text, ok := <-lines:
			if !ok {
				return
			}
			if err := run(srv, strings.Fields(text)); err != nil {
				fmt.Println("error:", err)
			}
		}
	}
}

const help = `list                          receivers with status and lines
confirm ID SKU:QTY[:HOLD] ... confirm receiver ID with actual counts (HOLD = units put on hold)
arrive ID SKU:QTY[:HOLD] ...  book a later delivery for ID's PO as a new confirmed receiver
cancel ID                     cancel receiver ID
expire                        make every issued token invalid
fail METHOD PATH KIND [N]     inject a fault: hang, 500, malformed, 429, 503, drop-after, hang-after`

func run(srv *extensivtest.Server, args []string) error {
	if len(args) == 0 {
		return nil
	}
	switch args[0] {
	case "help":
		fmt.Println(help)
	case "list":
		for _, r := range srv.Receivers() {
			fmt.Printf("%d  ref %-12s po %-12s status %d  modified %s\n", r.ID, r.ReferenceNum, r.PoNum, r.Status, r.Modified.Format(time.RFC3339))
			for _, item := range r.Items {
				fmt.Printf("      %-12s qty %-6g cost %-6s on hold %v\n", item.SKU, item.Qty, item.Cost, item.OnHold)
			}
		}
	case "confirm", "arrive":
		if len(args) < 3 {
			return fmt.Errorf("usage: %s ID SKU:QTY[:HOLD] ...", args[0])
		}
		id, err := strconv.Atoi(args[1])
		if err != nil {
			return fmt.Errorf("receiver id %q is not a number", args[1])
		}
		counts, err := parseCounts(args[2:])
		if err != nil {
			return err
		}
		if args[0] == "confirm" {
			if err := srv.Confirm(id, counts); err != nil {
				return err
			}
			fmt.Printf("receiver %d confirmed; poboard sees it on its next sync (press r on the board)\n", id)
			return nil
		}
		newID, err := srv.AddArrival(id, counts)
		if err == nil {
			fmt.Println("booked as receiver", newID)
		}
		return err
	case "cancel":
		if len(args) != 2 {
			return fmt.Errorf("usage: cancel ID")
		}
		id, err := strconv.Atoi(args[1])
		if err != nil {
			return fmt.Errorf("receiver id %q is not a number", args[1])
		}
		if err := srv.Cancel(id); err != nil {
			return err
		}
		fmt.Printf("receiver %d cancelled\n", id)
		return nil
	case "expire":
		srv.ExpireTokens()
	case "fail":
		return injectFault(srv, args[1:])
	default:
		return fmt.Errorf("unknown command %q; type help", args[0])
	}
	return nil
}

func parseCounts(args []string) ([]extensivtest.Count, error) {
	var counts []extensivtest.Count
	for _, arg := range args {
		parts := strings.Split(arg, ":")
		if len(parts) < 2 || len(parts) > 3 {
			return nil, fmt.Errorf("count %q: write it as SKU:QTY or SKU:QTY:HOLD", arg)
		}
		count := extensivtest.Count{SKU: parts[0]}
		var err error
		if count.Qty, err = strconv.Atoi(parts[1]); err != nil {
			return nil, fmt.Errorf("quantity in %q is not a whole number", arg)
		}
		if len(parts) == 3 {
			if count.OnHold, err = strconv.Atoi(parts[2]); err != nil {
				return nil, fmt.Errorf("on-hold quantity in %q is not a whole number", arg)
			}
		}
		counts = append(counts, count)
	}
	return counts, nil
}

func injectFault(srv *extensivtest.Server, args []string) error {
	kinds := map[string]extensivtest.FaultKind{
		"hang": extensivtest.Hang, "500": extensivtest.ServerError, "malformed": extensivtest.Malformed,
		"429": extensivtest.RateLimited, "503": extensivtest.Unavailable,
		"drop-after": extensivtest.DropAfter, "hang-after": extensivtest.HangAfter,
	}
	if len(args) < 3 {
		return fmt.Errorf("usage: fail METHOD PATH KIND [N]")
	}
	kind, ok := kinds[args[2]]
	if !ok {
		return fmt.Errorf("unknown fault %q; use hang, 500, malformed, 429, 503, drop-after or hang-after", args[2])
	}
	times := 1
	if len(args) > 3 {
		parsed, err := strconv.Atoi(args[3])
		if err != nil || parsed < 1 {
			return fmt.Errorf("count %q is not a positive whole number", args[3])
		}
		times = parsed
	}
	srv.Inject(extensivtest.Fault{Method: strings.ToUpper(args[0]), Path: args[1], Kind: kind, Times: times})
	return nil
}
