// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {CairnToken, ITokenReceiver} from "./CairnToken.sol";
import {ProviderStakes} from "./ProviderStakes.sol";

/// Budgets for pinning jobs. A supporter deposits; the settler (the cluster's service address)
/// pays named recipients, holds back a share of new hosters' earnings in ProviderStakes and burns
/// a share as proofs pass, and refunds the rest when the job ends. Tokens leave an escrow only as
/// payouts, held amounts, burns and refunds, so always deposited = balance + paidOut + burned +
/// held + refunded; each settlement has an id and is applied once, so a settler that retries
/// cannot pay twice.
contract Escrow is AccessControl, ITokenReceiver {
    bytes32 public constant SETTLER_ROLE = keccak256("SETTLER_ROLE");
    /// Payouts and held amounts of one settlement together.
    uint256 public constant MAX_RECIPIENTS = 64;

    struct Job {
        address supporter;
        uint256 balance;
        uint256 deposited;
        uint256 paidOut;
        uint256 burned;
        uint256 held;
        uint256 refunded;
        bool closed;
    }

    CairnToken public immutable token;
    /// Where held-back earnings go; Escrow holds its CREDITOR_ROLE.
    ProviderStakes public immutable stakes;
    mapping(bytes32 => Job) private jobs;
    mapping(bytes32 => bool) public settlementApplied;

    event Deposited(bytes32 indexed jobId, address indexed supporter, uint256 amount, uint256 balance);
    event PaidOut(bytes32 indexed jobId, address indexed recipient, uint256 amount, bytes32 settlementId);
    event HeldBack(bytes32 indexed jobId, address indexed provider, uint256 amount, bytes32 settlementId);
    event Burned(bytes32 indexed jobId, uint256 amount, bytes32 settlementId);
    event Refunded(bytes32 indexed jobId, address indexed supporter, uint256 amount);

    error ZeroAmount();
    error JobClosed(bytes32 jobId);
    error UnknownJob(bytes32 jobId);
    error NotJobSupporter(bytes32 jobId, address caller);
    error EscrowInsufficient(bytes32 jobId, uint256 balance, uint256 needed);
    error SettlementAlreadyApplied(bytes32 settlementId);
    error InvalidSettlement(string reason);
    error OnlyToken(address caller);

    constructor(CairnToken token_, ProviderStakes stakes_, address admin, address settler) {
        token = token_;
        stakes = stakes_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(SETTLER_ROLE, settler);
    }

    /// Adds `amount` from the caller's allowance to the job's budget; the first depositor is the
    /// job's supporter, and only the supporter adds to it later.
    function deposit(bytes32 jobId, uint256 amount) external {
        _credit(jobId, msg.sender, amount);
        token.transferFrom(msg.sender, address(this), amount);
    }

    /// ERC-677 one-step deposit: `data` is the job id.
    function onTokenTransfer(address sender, uint256 amount, bytes calldata data) external {
        if (msg.sender != address(token)) revert OnlyToken(msg.sender);
        _credit(abi.decode(data, (bytes32)), sender, amount);
    }

    /// Pays `amounts` to `recipients`, moves `heldAmounts` into the held earnings of the providers
    /// `heldFor` in ProviderStakes, and burns `burnAmount`, all out of the job's balance.
    function settle(
        bytes32 jobId,
        bytes32 settlementId,
        address[] calldata recipients,
        uint256[] calldata amounts,
        address[] calldata heldFor,
        uint256[] calldata heldAmounts,
        uint256 burnAmount
    ) external onlyRole(SETTLER_ROLE) {
        Job storage job = _openJob(jobId);
        if (settlementApplied[settlementId]) revert SettlementAlreadyApplied(settlementId);
        if (recipients.length != amounts.length) revert InvalidSettlement("one amount per recipient");
        if (heldFor.length != heldAmounts.length) revert InvalidSettlement("one amount per provider");
        if (recipients.length + heldFor.length > MAX_RECIPIENTS) revert InvalidSettlement("too many recipients");
        uint256 total = burnAmount;
        for (uint256 i = 0; i < amounts.length; i++) {
            if (recipients[i] == address(0)) revert InvalidSettlement("zero recipient");
            total += amounts[i];
        }
        uint256 heldTotal = 0;
        for (uint256 i = 0; i < heldAmounts.length; i++) {
            if (heldFor[i] == address(0)) revert InvalidSettlement("zero provider");
            heldTotal += heldAmounts[i];
        }
        total += heldTotal;
        if (total > job.balance) revert EscrowInsufficient(jobId, job.balance, total);
        settlementApplied[settlementId] = true;
        job.balance -= total;
        job.burned += burnAmount;
        job.held += heldTotal;
        for (uint256 i = 0; i < recipients.length; i++) {
            if (amounts[i] == 0) continue;
            job.paidOut += amounts[i];
            token.transfer(recipients[i], amounts[i]);
            emit PaidOut(jobId, recipients[i], amounts[i], settlementId);
        }
        if (heldTotal > 0) {
            token.approve(address(stakes), heldTotal);
            stakes.creditHeld(heldFor, heldAmounts);
            for (uint256 i = 0; i < heldFor.length; i++) {
                if (heldAmounts[i] == 0) continue;
                emit HeldBack(jobId, heldFor[i], heldAmounts[i], settlementId);
            }
        }
        if (burnAmount > 0) {
            token.burn(burnAmount);
            emit Burned(jobId, burnAmount, settlementId);
        }
    }

    /// Ends the job: what is left goes back to its supporter, and nothing more can be deposited.
    function close(bytes32 jobId) external onlyRole(SETTLER_ROLE) {
        Job storage job = _openJob(jobId);
        uint256 refund = job.balance;
        job.balance = 0;
        job.refunded += refund;
        job.closed = true;
        if (refund > 0) {
            token.transfer(job.supporter, refund);
        }
        emit Refunded(jobId, job.supporter, refund);
    }

    function job(bytes32 jobId) external view returns (Job memory) {
        return jobs[jobId];
    }

    function _credit(bytes32 jobId, address supporter, uint256 amount) private {
        if (amount == 0) revert ZeroAmount();
        Job storage job = jobs[jobId];
        if (job.closed) revert JobClosed(jobId);
        if (job.supporter == address(0)) {
            job.supporter = supporter;
        } else if (job.supporter != supporter) {
            revert NotJobSupporter(jobId, supporter);
        }
        job.balance += amount;
        job.deposited += amount;
        emit Deposited(jobId, supporter, amount, job.balance);
    }

    function _openJob(bytes32 jobId) private view returns (Job storage job) {
        job = jobs[jobId];
        if (job.supporter == address(0)) revert UnknownJob(jobId);
        if (job.closed) revert JobClosed(jobId);
    }
}
