// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {CairnToken, ITokenReceiver} from "./CairnToken.sol";

/// Products over Cairn streams and cores, sold as licences that run until a time.
///
/// A purchase extends an active licence from its end, else starts one now (Streamr's
/// ProjectRegistryV1 / MarketplaceV4, Dazaar's time remaining). A licence is active while
/// `block.timestamp < licenceEnd`. Each sale pays the protocol fee, then divides the rest between
/// the product's beneficiaries by their shares; the rounding remainder goes to the first.
/// The marketplace never keeps tokens.
contract Marketplace is AccessControl, ITokenReceiver {
    uint16 public constant MAX_PROTOCOL_FEE_BPS = 1000;
    uint256 public constant MAX_BENEFICIARIES = 16;
    uint256 public constant MAX_ITEMS = 64;

    struct Product {
        address owner;
        uint256 pricePerSecond;
        uint64 minimumSeconds;
        bytes32 termsHash;
        string[] streams;
        bytes32[] cores;
        address[] beneficiaries;
        uint32[] shares;
    }

    CairnToken public immutable token;
    uint256 public productCount;
    address public protocolFeeRecipient;
    uint16 public protocolFeeBps;
    mapping(uint256 => Product) private products;
    mapping(uint256 => mapping(address => uint64)) public licenceEnd;

    event ProductCreated(
        uint256 indexed productId,
        address indexed owner,
        uint256 pricePerSecond,
        uint64 minimumSeconds,
        bytes32 termsHash,
        string[] streams,
        bytes32[] cores,
        address[] beneficiaries,
        uint32[] shares
    );
    /// Every purchase and grant: the licence's new end and what was paid for it (0 for a grant).
    event LicenceExtended(
        uint256 indexed productId, address indexed buyer, uint64 endsAt, uint64 addedSeconds, uint256 price
    );
    event LicenceRevoked(uint256 indexed productId, address indexed buyer, uint64 endedAt);
    event SalePaid(uint256 indexed productId, address indexed recipient, uint256 amount);
    event ProtocolFeeChanged(address indexed recipient, uint16 feeBps);

    error UnknownProduct(uint256 productId);
    error NotProductOwner(uint256 productId, address caller);
    error BelowMinimumSeconds(uint64 seconds_, uint64 minimumSeconds);
    error ZeroSeconds();
    error InvalidProduct(string reason);
    error AmountNotWholeSeconds(uint256 amount, uint256 pricePerSecond);
    error OnlyToken(address caller);
    error FeeTooHigh(uint16 feeBps);

    constructor(CairnToken token_, address admin) {
        token = token_;
        protocolFeeRecipient = admin;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    function createProduct(
        string[] memory streams,
        bytes32[] calldata cores,
        uint256 pricePerSecond,
        uint64 minimumSeconds,
        bytes32 termsHash,
        address[] calldata beneficiaries,
        uint32[] calldata shares
    ) external returns (uint256 productId) {
        if (streams.length + cores.length == 0) revert InvalidProduct("no streams or cores");
        if (streams.length + cores.length > MAX_ITEMS) revert InvalidProduct("too many streams or cores");
        if (pricePerSecond == 0) revert InvalidProduct("price per second is zero");
        if (beneficiaries.length == 0 || beneficiaries.length > MAX_BENEFICIARIES) {
            revert InvalidProduct("beneficiaries must be 1 to 16");
        }
        if (beneficiaries.length != shares.length) revert InvalidProduct("one share per beneficiary");
        for (uint256 i = 0; i < beneficiaries.length; i++) {
            if (beneficiaries[i] == address(0)) revert InvalidProduct("zero beneficiary");
            if (shares[i] == 0) revert InvalidProduct("zero share");
        }
        productId = ++productCount;
        Product storage created = products[productId];
        created.owner = msg.sender;
        created.pricePerSecond = pricePerSecond;
        created.minimumSeconds = minimumSeconds;
        created.termsHash = termsHash;
        created.streams = streams;
        created.cores = cores;
        created.beneficiaries = beneficiaries;
        created.shares = shares;
        emit ProductCreated(
            productId, msg.sender, pricePerSecond, minimumSeconds, termsHash, streams, cores, beneficiaries, shares
        );
    }

    function product(uint256 productId) external view returns (Product memory) {
        return _product(productId);
    }

    /// Buys `seconds_` of the product for the caller, paid from the caller's allowance.
    function buy(uint256 productId, uint64 seconds_) external {
        Product storage p = _product(productId);
        uint256 price = uint256(seconds_) * p.pricePerSecond;
        _extend(productId, p, msg.sender, seconds_, price);
        _pay(productId, p, msg.sender, price);
    }

    /// `buy` with an ERC-2612 permit for exactly the price instead of an earlier approval.
    function buyWithPermit(uint256 productId, uint64 seconds_, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external
    {
        Product storage p = _product(productId);
        uint256 price = uint256(seconds_) * p.pricePerSecond;
        token.permit(msg.sender, address(this), price, deadline, v, r, s);
        _extend(productId, p, msg.sender, seconds_, price);
        _pay(productId, p, msg.sender, price);
    }

    /// ERC-677 one-step purchase: `data` is the product id; the amount must buy whole seconds.
    function onTokenTransfer(address sender, uint256 amount, bytes calldata data) external {
        if (msg.sender != address(token)) revert OnlyToken(msg.sender);
        uint256 productId = abi.decode(data, (uint256));
        Product storage p = _product(productId);
        if (amount % p.pricePerSecond != 0) revert AmountNotWholeSeconds(amount, p.pricePerSecond);
        _extend(productId, p, sender, uint64(amount / p.pricePerSecond), amount);
        _pay(productId, p, address(this), amount);
    }

    /// The owner's gift: the same extension rule as a purchase, without payment.
    function grantLicence(uint256 productId, address buyer, uint64 seconds_) external {
        Product storage p = _ownedProduct(productId);
        _extend(productId, p, buyer, seconds_, 0);
    }

    /// Ends the buyer's licence now; nothing is refunded.
    function revokeLicence(uint256 productId, address buyer) external {
        _ownedProduct(productId);
        uint64 now_ = uint64(block.timestamp);
        if (licenceEnd[productId][buyer] > now_) {
            licenceEnd[productId][buyer] = now_;
        }
        emit LicenceRevoked(productId, buyer, licenceEnd[productId][buyer]);
    }

    function setProtocolFee(address recipient, uint16 feeBps) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (feeBps > MAX_PROTOCOL_FEE_BPS) revert FeeTooHigh(feeBps);
        protocolFeeRecipient = recipient;
        protocolFeeBps = feeBps;
        emit ProtocolFeeChanged(recipient, feeBps);
    }

    function _product(uint256 productId) private view returns (Product storage p) {
        p = products[productId];
        if (p.owner == address(0)) revert UnknownProduct(productId);
    }

    function _ownedProduct(uint256 productId) private view returns (Product storage p) {
        p = _product(productId);
        if (p.owner != msg.sender) revert NotProductOwner(productId, msg.sender);
    }

    function _extend(uint256 productId, Product storage p, address buyer, uint64 seconds_, uint256 price) private {
        uint64 end = licenceEnd[productId][buyer];
        uint64 now_ = uint64(block.timestamp);
        uint64 newEnd;
        if (end > now_) {
            if (seconds_ == 0) revert ZeroSeconds();
            newEnd = end + seconds_;
        } else {
            if (seconds_ == 0) revert ZeroSeconds();
            if (seconds_ < p.minimumSeconds) revert BelowMinimumSeconds(seconds_, p.minimumSeconds);
            newEnd = now_ + seconds_;
        }
        licenceEnd[productId][buyer] = newEnd;
        emit LicenceExtended(productId, buyer, newEnd, seconds_, price);
    }

    /// Pays `price` from `payer` (the buyer's allowance, or the marketplace itself after
    /// transferAndCall) to the protocol fee recipient and the beneficiaries.
    function _pay(uint256 productId, Product storage p, address payer, uint256 price) private {
        uint256 fee = price * protocolFeeBps / 10_000;
        _send(productId, payer, protocolFeeRecipient, fee);
        uint256 rest = price - fee;
        uint256 totalShares = 0;
        for (uint256 i = 0; i < p.shares.length; i++) {
            totalShares += p.shares[i];
        }
        uint256 paid = 0;
        uint256[] memory parts = new uint256[](p.shares.length);
        for (uint256 i = 0; i < p.shares.length; i++) {
            parts[i] = rest * p.shares[i] / totalShares;
            paid += parts[i];
        }
        parts[0] += rest - paid;
        for (uint256 i = 0; i < parts.length; i++) {
            _send(productId, payer, p.beneficiaries[i], parts[i]);
        }
    }

    function _send(uint256 productId, address payer, address recipient, uint256 amount) private {
        if (amount == 0) return;
        if (payer == address(this)) {
            token.transfer(recipient, amount);
        } else {
            token.transferFrom(payer, recipient, amount);
        }
        emit SalePaid(productId, recipient, amount);
    }
}
