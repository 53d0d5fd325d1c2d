// fails: a deadlock
void transferSafely(Account from, Account to, long amount) {
    synchronized (from) {   // the order of the arguments: opposite transfers take the locks in opposite orders
        synchronized (to) {
            from.balance -= amount;
            to.balance += amount;
        }
    }
}
