package io.cairn.protocol.stream;

import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** What an address may do with a stream, as in the Streamr Network's permission model. */
public enum Permission {
  PUBLISH,
  SUBSCRIBE,
  EDIT,
  DELETE,
  GRANT;

  /** Only these may be granted to everyone; editing, deleting and granting need an owner. */
  public static final Set<Permission> GRANTABLE_TO_EVERYONE = EnumSet.of(PUBLISH, SUBSCRIBE);

  public static Permission parse(String text) {
    if (text != null) {
      for (Permission permission : values()) {
        if (permission.name().equalsIgnoreCase(text.trim())) {
          return permission;
        }
      }
    }
    throw new Rejection(
        ErrorCode.INVALID_PERMISSION,
        "'"
            + text
            + "' is not a permission; expected one of publish, subscribe, edit, delete, grant");
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
