// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {CairnToken, ITokenReceiver} from "./CairnToken.sol";

/// Pinning providers' bonds. A provider stakes to register; Escrow credits the share of a new
/// hoster's earnings that is held back; the settler (the cluster's service address) slashes faults
/// into the repair fund, held earnings first, freezes a stake under investigation, releases held
/// earnings and pays repairs out of the fund. A provider leaves by beginning to exit and, once the
/// unbonding time has passed and no freeze holds, withdrawing everything. Every token this
/// contract holds is a stake, a held amount or the repair fund; each slash, release and repair has
/// an id and is applied once, so a settler that retries cannot take or pay twice.
contract ProviderStakes is AccessControl, ITokenReceiver {
    bytes32 public constant SETTLER_ROLE = keccak256("SETTLER_ROLE");
    /// Escrow's, to move held-back earnings in with a settlement.
    bytes32 public constant CREDITOR_ROLE = keccak256("CREDITOR_ROLE");

    struct Stake {
        uint256 stake;
        uint256 held;
        bool exiting;
        uint64 withdrawableAt;
        uint64 frozenUntil;
    }

    CairnToken public immutable token;
    uint64 public immutable unbondingSeconds;
    uint256 public repairFund;
    mapping(address => Stake) private stakes;
    mapping(bytes32 => bool) public slashApplied;
    mapping(bytes32 => bool) public releaseApplied;
    mapping(bytes32 => bool) public repairApplied;

    event Staked(address indexed provider, uint256 amount, uint256 stake);
    event ExitBegun(address indexed provider, uint64 withdrawableAt);
    event Withdrawn(address indexed provider, uint256 stake, uint256 held);
    event Slashed(address indexed provider, uint256 fromHeld, uint256 fromStake, bytes32 slashId);
    event Frozen(address indexed provider, uint64 frozenUntil);
    event HeldReleased(address indexed provider, uint256 amount, bytes32 releaseId);
    event RepairPaid(address indexed recipient, uint256 amount, bytes32 repairId);

    error ZeroAmount();
    error StakeExiting(address provider);
    error NoStake(address provider);
    error NotExiting(address provider);
    error StillUnbonding(address provider, uint64 withdrawableAt);
    error StakeFrozen(address provider, uint64 frozenUntil);
    error AlreadyApplied(bytes32 id);
    error HeldInsufficient(address provider, uint256 held, uint256 needed);
    error RepairFundInsufficient(uint256 fund, uint256 needed);
    error ZeroRecipient();
    error InvalidCredit(string reason);
    error OnlyToken(address caller);

    /// @param creditor the Escrow, deployed just before this contract and naming it
    constructor(CairnToken token_, address admin, address settler, address creditor, uint64 unbondingSeconds_) {
        token = token_;
        unbondingSeconds = unbondingSeconds_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(SETTLER_ROLE, settler);
        _grantRole(CREDITOR_ROLE, creditor);
    }

    /// Adds `amount` from the caller's allowance to its stake.
    function stake(uint256 amount) external {
        _stake(msg.sender, amount);
        token.transferFrom(msg.sender, address(this), amount);
    }

    /// ERC-677 one-step stake: the sender's tokens become its stake; `data` is not read.
    function onTokenTransfer(address sender, uint256 amount, bytes calldata) external {
        if (msg.sender != address(token)) revert OnlyToken(msg.sender);
        _stake(sender, amount);
    }

    /// Starts the unbonding time; once begun, an exit is not undone and no stake is added.
    function beginExit() external {
        Stake storage s = stakes[msg.sender];
        if (s.exiting) revert StakeExiting(msg.sender);
        if (s.stake + s.held == 0) revert NoStake(msg.sender);
        s.exiting = true;
        s.withdrawableAt = uint64(block.timestamp) + unbondingSeconds;
        emit ExitBegun(msg.sender, s.withdrawableAt);
    }

    /// Pays the exited caller its stake and held earnings; its record is gone afterwards.
    function withdraw() external {
        Stake memory s = stakes[msg.sender];
        if (!s.exiting) revert NotExiting(msg.sender);
        if (block.timestamp < s.withdrawableAt) revert StillUnbonding(msg.sender, s.withdrawableAt);
        if (block.timestamp < s.frozenUntil) revert StakeFrozen(msg.sender, s.frozenUntil);
        delete stakes[msg.sender];
        emit Withdrawn(msg.sender, s.stake, s.held);
        if (s.stake + s.held > 0) {
            token.transfer(msg.sender, s.stake + s.held);
        }
    }

    /// Takes up to `amount` from the provider, held earnings first, into the repair fund.
    function slash(address provider, uint256 amount, bytes32 slashId) external onlyRole(SETTLER_ROLE) {
        if (slashApplied[slashId]) revert AlreadyApplied(slashId);
        if (amount == 0) revert ZeroAmount();
        slashApplied[slashId] = true;
        Stake storage s = stakes[provider];
        uint256 fromHeld = amount < s.held ? amount : s.held;
        uint256 rest = amount - fromHeld;
        uint256 fromStake = rest < s.stake ? rest : s.stake;
        s.held -= fromHeld;
        s.stake -= fromStake;
        repairFund += fromHeld + fromStake;
        emit Slashed(provider, fromHeld, fromStake, slashId);
    }

    /// Keeps the provider from withdrawing before `until`; an existing freeze is never shortened.
    function freeze(address provider, uint64 until) external onlyRole(SETTLER_ROLE) {
        Stake storage s = stakes[provider];
        if (until > s.frozenUntil) {
            s.frozenUntil = until;
        }
        emit Frozen(provider, s.frozenUntil);
    }

    /// Pays `amount` of the provider's held earnings to it.
    function releaseHeld(address provider, uint256 amount, bytes32 releaseId) external onlyRole(SETTLER_ROLE) {
        if (releaseApplied[releaseId]) revert AlreadyApplied(releaseId);
        if (amount == 0) revert ZeroAmount();
        Stake storage s = stakes[provider];
        if (s.held < amount) revert HeldInsufficient(provider, s.held, amount);
        releaseApplied[releaseId] = true;
        s.held -= amount;
        emit HeldReleased(provider, amount, releaseId);
        token.transfer(provider, amount);
    }

    /// Pays `amount` out of the repair fund to `recipient` (a replacement hoster, a witness).
    function payRepair(address recipient, uint256 amount, bytes32 repairId) external onlyRole(SETTLER_ROLE) {
        if (repairApplied[repairId]) revert AlreadyApplied(repairId);
        if (amount == 0) revert ZeroAmount();
        if (recipient == address(0)) revert ZeroRecipient();
        if (repairFund < amount) revert RepairFundInsufficient(repairFund, amount);
        repairApplied[repairId] = true;
        repairFund -= amount;
        emit RepairPaid(recipient, amount, repairId);
        token.transfer(recipient, amount);
    }

    /// Escrow's settlement: pulls the sum of `amounts` from the caller's allowance and adds each to
    /// its provider's held earnings (Escrow's HeldBack event records each).
    function creditHeld(address[] calldata providers, uint256[] calldata amounts) external onlyRole(CREDITOR_ROLE) {
        if (providers.length != amounts.length) revert InvalidCredit("one amount per provider");
        uint256 total = 0;
        for (uint256 i = 0; i < providers.length; i++) {
            stakes[providers[i]].held += amounts[i];
            total += amounts[i];
        }
        token.transferFrom(msg.sender, address(this), total);
    }

    function stakeOf(address provider) external view returns (Stake memory) {
        return stakes[provider];
    }

    function _stake(address provider, uint256 amount) private {
        if (amount == 0) revert ZeroAmount();
        Stake storage s = stakes[provider];
        if (s.exiting) revert StakeExiting(provider);
        s.stake += amount;
        emit Staked(provider, amount, s.stake);
    }
}
