// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {CairnToken} from "./CairnToken.sol";

/// Event counts and rolling checksums of stream partitions, per reporting interval (Streamr's
/// broker reports). The round opener (the cluster's service address) names the reporters of a
/// round and reserves their rewards from the pool. A report becomes final when at least the
/// coherence threshold of the named reporters submitted the same (count, checksum); when the
/// round closes, each reporter that submitted the final value is paid, and every other reporter
/// is recorded as disagreeing or missing. Unpaid rewards go back to the pool.
contract ChecksumReports is AccessControl {
    bytes32 public constant ROUND_OPENER_ROLE = keccak256("ROUND_OPENER_ROLE");
    uint256 public constant MAX_REPORTERS = 64;
    uint8 public constant UNREWARDED_DISAGREED = 1;
    uint8 public constant UNREWARDED_MISSING = 2;

    struct Report {
        bool submitted;
        uint64 eventCount;
        bytes32 checksum;
    }

    struct Round {
        address[] reporters;
        uint256 rewardPerReporter;
        bool opened;
        bool finalised;
        bool closed;
        uint64 eventCount;
        bytes32 checksum;
        mapping(address => bool) assigned;
        mapping(address => Report) reports;
        mapping(bytes32 => uint256) votes;
    }

    CairnToken public immutable token;
    uint16 public immutable coherenceBps;
    uint256 public pool;
    mapping(bytes32 => Round) private rounds;

    event PoolFunded(address indexed from, uint256 amount, uint256 pool);
    event RoundOpened(
        bytes32 indexed roundId,
        string streamId,
        uint32 partition,
        uint64 interval,
        address[] reporters,
        uint256 rewardPerReporter
    );
    event Reported(bytes32 indexed roundId, address indexed reporter, uint64 eventCount, bytes32 checksum);
    event ReportFinalised(bytes32 indexed roundId, uint64 eventCount, bytes32 checksum);
    event ReporterRewarded(bytes32 indexed roundId, address indexed reporter, uint256 amount);
    event ReporterUnrewarded(bytes32 indexed roundId, address indexed reporter, uint8 reason);
    event RoundClosed(bytes32 indexed roundId, bool finalised);

    error ZeroAmount();
    error InvalidRound(string reason);
    error RoundExists(bytes32 roundId);
    error UnknownRound(bytes32 roundId);
    error RoundIsClosed(bytes32 roundId);
    error NotAssignedReporter(bytes32 roundId, address caller);
    error AlreadyReported(bytes32 roundId, address reporter);
    error PoolInsufficient(uint256 pool, uint256 needed);

    constructor(CairnToken token_, address admin, address roundOpener, uint16 coherenceBps_) {
        if (coherenceBps_ == 0 || coherenceBps_ > 10_000) revert InvalidRound("coherence must be 1 to 10000 bps");
        token = token_;
        coherenceBps = coherenceBps_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(ROUND_OPENER_ROLE, roundOpener);
    }

    /// The round of one stream partition's reporting interval.
    function roundId(string calldata streamId, uint32 partition, uint64 interval) public pure returns (bytes32) {
        return keccak256(abi.encode(streamId, partition, interval));
    }

    function fundPool(uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        pool += amount;
        token.transferFrom(msg.sender, address(this), amount);
        emit PoolFunded(msg.sender, amount, pool);
    }

    function openRound(
        string calldata streamId,
        uint32 partition,
        uint64 interval,
        address[] calldata reporters,
        uint256 rewardPerReporter
    ) external onlyRole(ROUND_OPENER_ROLE) returns (bytes32 id) {
        id = roundId(streamId, partition, interval);
        Round storage round = rounds[id];
        if (round.opened) revert RoundExists(id);
        if (reporters.length == 0 || reporters.length > MAX_REPORTERS) revert InvalidRound("reporters must be 1 to 64");
        uint256 reserved = rewardPerReporter * reporters.length;
        if (reserved > pool) revert PoolInsufficient(pool, reserved);
        for (uint256 i = 0; i < reporters.length; i++) {
            if (round.assigned[reporters[i]]) revert InvalidRound("reporter named twice");
            round.assigned[reporters[i]] = true;
        }
        pool -= reserved;
        round.opened = true;
        round.reporters = reporters;
        round.rewardPerReporter = rewardPerReporter;
        emit RoundOpened(id, streamId, partition, interval, reporters, rewardPerReporter);
    }

    function report(bytes32 id, uint64 eventCount, bytes32 checksum) external {
        Round storage round = _openRound(id);
        if (!round.assigned[msg.sender]) revert NotAssignedReporter(id, msg.sender);
        if (round.reports[msg.sender].submitted) revert AlreadyReported(id, msg.sender);
        round.reports[msg.sender] = Report(true, eventCount, checksum);
        emit Reported(id, msg.sender, eventCount, checksum);
        uint256 votes = ++round.votes[keccak256(abi.encode(eventCount, checksum))];
        if (!round.finalised && votes * 10_000 >= uint256(coherenceBps) * round.reporters.length) {
            round.finalised = true;
            round.eventCount = eventCount;
            round.checksum = checksum;
            emit ReportFinalised(id, eventCount, checksum);
        }
    }

    /// Pays the reporters that submitted the final value, records the others, and returns what
    /// was not paid to the pool.
    function closeRound(bytes32 id) external onlyRole(ROUND_OPENER_ROLE) {
        Round storage round = _openRound(id);
        round.closed = true;
        uint256 unpaid = 0;
        for (uint256 i = 0; i < round.reporters.length; i++) {
            address reporter = round.reporters[i];
            Report storage submitted = round.reports[reporter];
            if (!submitted.submitted) {
                unpaid += round.rewardPerReporter;
                emit ReporterUnrewarded(id, reporter, UNREWARDED_MISSING);
            } else if (
                !round.finalised || submitted.eventCount != round.eventCount || submitted.checksum != round.checksum
            ) {
                unpaid += round.rewardPerReporter;
                emit ReporterUnrewarded(id, reporter, UNREWARDED_DISAGREED);
            } else if (round.rewardPerReporter > 0) {
                token.transfer(reporter, round.rewardPerReporter);
                emit ReporterRewarded(id, reporter, round.rewardPerReporter);
            }
        }
        pool += unpaid;
        emit RoundClosed(id, round.finalised);
    }

    /// The round's outcome: whether it is final (and with what), and whether it is closed.
    function outcome(bytes32 id)
        external
        view
        returns (bool opened, bool finalised, bool closed, uint64 eventCount, bytes32 checksum)
    {
        Round storage round = rounds[id];
        return (round.opened, round.finalised, round.closed, round.eventCount, round.checksum);
    }

    function _openRound(bytes32 id) private view returns (Round storage round) {
        round = rounds[id];
        if (!round.opened) revert UnknownRound(id);
        if (round.closed) revert RoundIsClosed(id);
    }
}
