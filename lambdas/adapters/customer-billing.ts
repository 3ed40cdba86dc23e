import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { CustomerBilling } from "../domain/customer/ports";
import { billingRepository } from "./billing-repository";

/**
 * The signed-in customer's bills and contract, through the billing repository's access patterns.
 * A function passes only the tables it is granted; using another one is a programming error.
 */
export function customerBilling(
  client: DynamoDBDocumentClient,
  tables: { readonly bills?: string; readonly contracts?: string },
): CustomerBilling {
  const table = (name: "bills" | "contracts") => {
    const value = tables[name];
    if (!value) throw new Error(`This function was given no ${name} table.`);
    return value;
  };
  const repository = billingRepository(client, {
    get accounts(): string {
      throw new Error("The signed-in customer's routes read no account.");
    },
    get bills() {
      return table("bills");
    },
    get contracts() {
      return table("contracts");
    },
  });
  return {
    async listAvailableBills(customerNumber, page) {
      const { items, next } = await repository.listAvailableBills(customerNumber, page);
      return { bills: items, ...(next ? { next } : {}) };
    },
    getBill: (customerNumber, billId) => repository.getBill(customerNumber, billId),
    getContract: (customerNumber) => repository.getContract(customerNumber),
  };
}
