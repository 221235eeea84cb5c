package io.cairn.ledger;

import io.cairn.ledger.LedgerEvent.ExitBegun;
import io.cairn.ledger.LedgerEvent.Frozen;
import io.cairn.ledger.LedgerEvent.HeldBack;
import io.cairn.ledger.LedgerEvent.HeldReleased;
import io.cairn.ledger.LedgerEvent.RepairPaid;
import io.cairn.ledger.LedgerEvent.Slashed;
import io.cairn.ledger.LedgerEvent.Staked;
import io.cairn.ledger.LedgerEvent.Withdrawn;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.ledger.Bytes32;
import java.math.BigInteger;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The embedded ledger's ProviderStakes: every provider's stake and held earnings, the repair fund,
 * and the slash, release and repair ids applied (each kind apart, as the contract keeps them).
 * Immutable; it changes only through {@link #apply} with the stake events, while {@link
 * LedgerState} moves the balances those events pay from or to. Everything here is tokens the
 * contract holds: {@link #holdings}.
 */
public record StakeBook(
    Map<EthereumAddress, ProviderStake> providers,
    BigInteger repairFund,
    Set<Bytes32> slashes,
    Set<Bytes32> releases,
    Set<Bytes32> repairs) {

  public StakeBook {
    providers = Collections.unmodifiableMap(providers);
    slashes = Collections.unmodifiableSet(slashes);
    releases = Collections.unmodifiableSet(releases);
    repairs = Collections.unmodifiableSet(repairs);
  }

  public static StakeBook empty() {
    return new StakeBook(Map.of(), BigInteger.ZERO, Set.of(), Set.of(), Set.of());
  }

  public ProviderStake of(EthereumAddress provider) {
    return providers.getOrDefault(provider, ProviderStake.none(provider));
  }

  /** Every stake, every held amount and the repair fund: what the contract holds. */
  public BigInteger holdings() {
    return providers.values().stream()
        .map(ProviderStake::total)
        .reduce(repairFund, BigInteger::add);
  }

  /** The repair fund and just the named providers' records, for a read. */
  public StakeBook select(Set<EthereumAddress> named) {
    Map<EthereumAddress, ProviderStake> some = new HashMap<>();
    for (EthereumAddress provider : named) {
      if (providers.containsKey(provider)) {
        some.put(provider, providers.get(provider));
      }
    }
    return new StakeBook(some, repairFund, Set.of(), Set.of(), Set.of());
  }

  /** The book after one of the stake events (or {@link HeldBack}); pure. */
  public StakeBook apply(LedgerEvent event) {
    if (event instanceof HeldBack e) {
      ProviderStake p = of(e.provider());
      return withProvider(withAmounts(p, p.stake(), p.held().add(e.amount())));
    } else if (event instanceof Staked e) {
      ProviderStake p = of(e.provider());
      return withProvider(withAmounts(p, e.stake(), p.held()));
    } else if (event instanceof ExitBegun e) {
      ProviderStake p = of(e.provider());
      return withProvider(
          new ProviderStake(
              p.provider(), p.stake(), p.held(), true, e.withdrawableAt(), p.frozenUntil()));
    } else if (event instanceof Withdrawn e) {
      return withProvider(ProviderStake.none(e.provider()));
    } else if (event instanceof Slashed e) {
      ProviderStake p = of(e.provider());
      return new StakeBook(
              providers,
              repairFund.add(e.fromHeld()).add(e.fromStake()),
              added(slashes, e.slashId()),
              releases,
              repairs)
          .withProvider(
              withAmounts(p, p.stake().subtract(e.fromStake()), p.held().subtract(e.fromHeld())));
    } else if (event instanceof Frozen e) {
      ProviderStake p = of(e.provider());
      return withProvider(
          new ProviderStake(
              p.provider(), p.stake(), p.held(), p.exiting(), p.withdrawableAt(), e.frozenUntil()));
    } else if (event instanceof HeldReleased e) {
      ProviderStake p = of(e.provider());
      return new StakeBook(providers, repairFund, slashes, added(releases, e.releaseId()), repairs)
          .withProvider(withAmounts(p, p.stake(), p.held().subtract(e.amount())));
    } else if (event instanceof RepairPaid e) {
      return new StakeBook(
          providers,
          repairFund.subtract(e.amount()),
          slashes,
          releases,
          added(repairs, e.repairId()));
    }
    throw new IllegalArgumentException("not a stake event: " + event);
  }

  private static ProviderStake withAmounts(ProviderStake p, BigInteger stake, BigInteger held) {
    return new ProviderStake(
        p.provider(), stake, held, p.exiting(), p.withdrawableAt(), p.frozenUntil());
  }

  /** A record back at all zeros is dropped, as the contract's deleted record reads. */
  private StakeBook withProvider(ProviderStake changed) {
    Map<EthereumAddress, ProviderStake> copy = new HashMap<>(providers);
    if (changed.equals(ProviderStake.none(changed.provider()))) {
      copy.remove(changed.provider());
    } else {
      copy.put(changed.provider(), changed);
    }
    return new StakeBook(copy, repairFund, slashes, releases, repairs);
  }

  private static Set<Bytes32> added(Set<Bytes32> ids, Bytes32 id) {
    Set<Bytes32> more = new HashSet<>(ids);
    more.add(id);
    return more;
  }
}
