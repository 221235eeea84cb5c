// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

/// Receives tokens in the same transaction that sends them (ERC-677), as a purchase or a deposit.
interface ITokenReceiver {
    function onTokenTransfer(address sender, uint256 amount, bytes calldata data) external;
}

/// The token every Cairn payment is made in: ERC-20 with permit (ERC-2612) and burn, minted only by
/// holders of MINTER_ROLE, with Streamr DATAv2's one-step `transferAndCall`.
contract CairnToken is ERC20, ERC20Burnable, ERC20Permit, AccessControl {
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");

    /// ERC-677's transfer record: the data a receiving contract was called with.
    event TransferAndCall(address indexed from, address indexed to, uint256 value, bytes data);

    constructor(address admin) ERC20("Cairn Data", "DATA") ERC20Permit("Cairn Data") {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(MINTER_ROLE, admin);
    }

    function mint(address to, uint256 amount) external onlyRole(MINTER_ROLE) {
        _mint(to, amount);
    }

    /// Transfers `amount` to `to` and, when `to` is a contract, calls its `onTokenTransfer`, so a
    /// purchase or a deposit is one transaction with no allowance left behind.
    function transferAndCall(address to, uint256 amount, bytes calldata data) external returns (bool) {
        _transfer(_msgSender(), to, amount);
        emit TransferAndCall(_msgSender(), to, amount, data);
        if (to.code.length > 0) {
            ITokenReceiver(to).onTokenTransfer(_msgSender(), amount, data);
        }
        return true;
    }
}
