package main

import (
	"context"
	"fmt"
	"reflect"

	"github.com/cloudwego/kitex/client"
	"github.com/cloudwego/kitex/transport"

	"weft.io/interop/kitex/kitex_gen/evolution"
	"weft.io/interop/kitex/kitex_gen/evolution/paletteservice"
)

// unnamedEnumsCase sends Shade values evolution.thrift does not name (7, 8, 9: a newer peer's
// values; Go keeps any int) in every place an enum can be: a field, an optional field, a list, a
// set, map keys (two of them, which must stay apart) and values, a union, an argument and a
// result. The server must answer every one of them unchanged.
func unnamedEnumsCase(ctx context.Context, addr string, tp transport.Protocol, extra ...client.Option) error {
	cli, err := paletteservice.NewClient("PaletteService", append(baseOptions(addr, tp), extra...)...)
	if err != nil {
		return err
	}
	seven := evolution.Shade(7)
	sent := &evolution.Palette{
		One:      seven,
		Many:     []evolution.Shade{evolution.Shade_LIGHT, 7, 9},
		Distinct: []evolution.Shade{7, 8, evolution.Shade_DARK},
		Pairs:    map[evolution.Shade]evolution.Shade{7: 8, 8: evolution.Shade_DARK, evolution.Shade_LIGHT: 9},
		Maybe:    &seven,
	}
	got, err := cli.EchoPalette(ctx, sent)
	if err != nil {
		return fmt.Errorf("EchoPalette: %w", err)
	}
	if !reflect.DeepEqual(sent, got) {
		return fmt.Errorf("EchoPalette changed the value: sent %v, got %v", sent, got)
	}
	shade, err := cli.EchoShade(ctx, seven)
	if err != nil {
		return fmt.Errorf("EchoShade: %w", err)
	}
	if err := expect("EchoShade(7)", seven, shade); err != nil {
		return err
	}
	pick, err := cli.EchoPick(ctx, &evolution.Pick{Shade: &seven})
	if err != nil {
		return fmt.Errorf("EchoPick: %w", err)
	}
	if pick == nil || pick.Shade == nil || *pick.Shade != seven || pick.Label != nil {
		return fmt.Errorf("EchoPick(shade 7): got %v", pick)
	}
	return nil
}
