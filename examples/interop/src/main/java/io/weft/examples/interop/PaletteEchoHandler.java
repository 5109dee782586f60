package io.weft.examples.interop;

import interop.evolution.Palette;
import interop.evolution.PaletteService;
import interop.evolution.Pick;
import interop.evolution.Shade;

/**
 * {@code PaletteService} of {@code evolution.thrift}, exactly as the IDL's comments say: every
 * method answers its argument unchanged, so a peer can check that values this IDL does not name
 * survive the trip.
 */
public class PaletteEchoHandler implements PaletteService {
  @Override
  public Palette echoPalette(Palette p) {
    return p;
  }

  @Override
  public Shade echoShade(Shade s) {
    return s;
  }

  @Override
  public Pick echoPick(Pick p) {
    return p;
  }
}
