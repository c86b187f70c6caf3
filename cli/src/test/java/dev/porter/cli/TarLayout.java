package dev.porter.cli;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the members of a tar file are, read straight from the bytes (independently of porter's
 * reader), so that tests can aim at a member's header, content or padding. Public for the
 * PostgreSQL tests in {@code dev.porter.cli.pg}.
 */
public record TarLayout(List<Member> members, long endMarker, long length) {
  static final int BLOCK = 512;

  /** One member: its header block, its content, and the padding after it. */
  public record Member(String name, long header, long content, long size) {
    public long padding() {
      return content + size;
    }

    public long paddingLength() {
      return (BLOCK - size % BLOCK) % BLOCK;
    }
  }

  public static TarLayout of(byte[] tar) {
    List<Member> members = new ArrayList<>();
    int pos = 0;
    while (true) {
      if (isZeroBlock(tar, pos)) {
        return new TarLayout(members, pos, tar.length);
      }
      int nameEnd = pos;
      while (nameEnd < pos + 100 && tar[nameEnd] != 0) {
        nameEnd++;
      }
      String name = new String(tar, pos, nameEnd - pos, StandardCharsets.UTF_8);
      long size = Long.parseLong(new String(tar, pos + 124, 11, StandardCharsets.US_ASCII), 8);
      members.add(new Member(name, pos, pos + BLOCK, size));
      pos += BLOCK + (int) ((size + BLOCK - 1) / BLOCK * BLOCK);
    }
  }

  public Member member(String name) {
    return members.stream()
        .filter(m -> m.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no member " + name));
  }

  /** The data member holding the most bytes. */
  public Member largestData() {
    return members.stream()
        .filter(m -> m.name().startsWith("data/"))
        .max((a, b) -> Long.compare(a.size(), b.size()))
        .orElseThrow();
  }

  /** The first member followed by padding (its size is not a multiple of 512). */
  public Member firstPadded() {
    return members.stream().filter(m -> m.paddingLength() > 0).findFirst().orElseThrow();
  }

  private static boolean isZeroBlock(byte[] b, int pos) {
    for (int i = pos; i < pos + BLOCK; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
