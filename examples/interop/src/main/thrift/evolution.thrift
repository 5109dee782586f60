// Interop-test IDL for what a peer with a newer IDL sends: enum values this IDL does not name
// (a Go peer keeps any int) must come back unchanged wherever an enum can be, and a union whose
// only field this IDL does not know reads as a union with no field set. Servers under test
// implement it exactly as the comments say.
namespace java interop.evolution
namespace go evolution

enum Shade {
  LIGHT = 1,
  DARK = 2,
}

struct Palette {
  1: Shade one
  2: list<Shade> many
  3: set<Shade> distinct
  4: map<Shade, Shade> pairs
  5: optional Shade maybe
}

union Pick {
  1: Shade shade
  2: string label
}

service PaletteService {
  // Replies with p, unchanged.
  Palette EchoPalette(1: Palette p)
  // Replies with s, unchanged.
  Shade EchoShade(1: Shade s)
  // Replies with p, unchanged.
  Pick EchoPick(1: Pick p)
}
