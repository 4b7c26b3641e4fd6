<?php
/**
 * Stand-ins for the parts of WHMCS that the MFA Reminder addon calls, so
 * the addon runs unchanged under php-cli and php's built-in web server.
 *
 * Only WHMCS's own API is replaced: add_hook, CurrentUser, Capsule (with
 * the Illuminate query builder and Collection it returns), logModuleCall,
 * Lang, the admin session's $_SESSION['adminid'] and the $vars that
 * addonmodules.php passes to the addon's _output function. Capsule runs
 * real SQL through PDO against the database that the environment names:
 *
 *   WHMCS_STUB_DB_DSN       PDO DSN, such as mysql:host=127.0.0.1;port=3306;dbname=whmcs;charset=utf8mb4
 *   WHMCS_STUB_DB_USER      database user (default root)
 *   WHMCS_STUB_DB_PASSWORD  database password (default empty)
 *   WHMCS_STUB_USER_ID      id of the logged-in tblusers row; empty or 0 means logged out
 *   WHMCS_STUB_MASQUERADING 1 when an admin is logged in as that user
 *   WHMCS_STUB_LANGUAGE     value of Lang::getName() (default english); "none" leaves Lang undefined
 *   WHMCS_STUB_PLUCK        "array" makes pluck() return an array as WHMCS 7 does, instead of a Collection
 *   WHMCS_STUB_LOG_FILE     file that receives module-log entries and PHP errors as JSON lines
 *   WHMCS_STUB_ADMIN_ID     $_SESSION['adminid'] of php-cli runs; empty or 0 means no admin is logged in
 *   WHMCS_STUB_SESSION_DIR  directory of the PHP session files of php's built-in web server
 *
 * The globals $whmcs_stub_user_id and $whmcs_stub_masquerading override
 * the two user variables for one request.
 */

namespace {
    define('WHMCS', true);

    error_reporting(E_ALL);

    /** @var array<string, array<int, array{priority: int, function: callable}>> hooks by hook point */
    $GLOBALS['whmcs_stub_hooks'] = array();

    /** @var array<int, array> logModuleCall() entries of this process */
    $GLOBALS['whmcs_stub_module_log'] = array();

    /** @var array<int, string> PHP errors, warnings and notices of this process */
    $GLOBALS['whmcs_stub_php_errors'] = array();

    /**
     * Returns an environment variable, or $default when it is not set.
     *
     * @param string $name
     * @param string $default
     *
     * @return string
     */
    function whmcs_stub_env($name, $default = '')
    {
        $value = getenv($name);
        return $value === false ? $default : $value;
    }

    /**
     * Appends one JSON line to WHMCS_STUB_LOG_FILE, when set.
     *
     * @param array $entry
     *
     * @return void
     */
    function whmcs_stub_write_log(array $entry)
    {
        $file = whmcs_stub_env('WHMCS_STUB_LOG_FILE');
        if ($file !== '') {
            file_put_contents($file, json_encode($entry) . "\n", FILE_APPEND | LOCK_EX);
        }
    }

    // Records every PHP error, warning, notice and deprecation, so tests
    // can require that the addon ran without any.
    set_error_handler(function ($severity, $message, $file, $line) {
        $text = sprintf('PHP error %d: %s in %s:%d', $severity, $message, $file, $line);
        $GLOBALS['whmcs_stub_php_errors'][] = $text;
        whmcs_stub_write_log(array('kind' => 'php_error', 'message' => $text));
        return true;
    });

    /**
     * Registers a hook function, as WHMCS's add_hook() does.
     *
     * @param string   $hookPoint
     * @param int      $priority
     * @param callable $function
     *
     * @return void
     */
    function add_hook($hookPoint, $priority, $function)
    {
        $GLOBALS['whmcs_stub_hooks'][$hookPoint][] = array('priority' => (int) $priority, 'function' => $function);
    }

    /**
     * Runs the functions registered for a hook point in priority order and
     * returns their return values, as WHMCS's run_hook() does.
     *
     * @param string $hookPoint
     * @param array  $vars
     *
     * @return array
     */
    function whmcs_stub_run_hook($hookPoint, array $vars)
    {
        $hooks = isset($GLOBALS['whmcs_stub_hooks'][$hookPoint]) ? $GLOBALS['whmcs_stub_hooks'][$hookPoint] : array();
        usort($hooks, function ($a, $b) {
            return $a['priority'] - $b['priority'];
        });
        $results = array();
        foreach ($hooks as $hook) {
            $results[] = call_user_func($hook['function'], $vars);
        }
        return $results;
    }

    /**
     * Records a module-log entry, as WHMCS's logModuleCall() does when
     * module debug logging is on, with the values of $replaceVars masked.
     *
     * @param string $module
     * @param string $action
     * @param mixed  $request
     * @param mixed  $response
     * @param mixed  $processed
     * @param array  $replaceVars
     *
     * @return void
     */
    function logModuleCall($module, $action, $request, $response, $processed = '', $replaceVars = array())
    {
        $entry = array(
            'kind' => 'module_log',
            'module' => $module,
            'action' => $action,
            'request' => is_string($request) ? $request : json_encode($request),
            'response' => is_string($response) ? $response : json_encode($response),
            'processed' => is_string($processed) ? $processed : json_encode($processed),
        );
        foreach ((array) $replaceVars as $secret) {
            if ((string) $secret === '') {
                continue;
            }
            foreach (array('request', 'response', 'processed') as $field) {
                $entry[$field] = str_replace((string) $secret, '***', $entry[$field]);
            }
        }
        $GLOBALS['whmcs_stub_module_log'][] = $entry;
        whmcs_stub_write_log($entry);
    }

    /**
     * Returns the $vars that WHMCS's addonmodules.php passes to
     * mfa_reminder_output(): the addon's tbladdonmodules rows (unless
     * $withSettings is false), module, modulelink, version and the _lang
     * strings of the admin language $language.
     *
     * @param string $language lang file name, such as english
     * @param bool   $withSettings
     *
     * @return array
     */
    function whmcs_stub_admin_vars($language, $withSettings = true)
    {
        $vars = array();
        if ($withSettings) {
            $rows = \WHMCS\Database\Capsule::table('tbladdonmodules')
                ->where('module', 'mfa_reminder')
                ->pluck('value', 'setting');
            $vars = is_array($rows) ? $rows : $rows->toArray();
        }
        $vars['module'] = 'mfa_reminder';
        $vars['modulelink'] = 'addonmodules.php?module=mfa_reminder';
        $vars['version'] = '1.0.0';

        $_ADDONLANG = array();
        require dirname(__DIR__) . '/modules/addons/mfa_reminder/lang/' . basename($language) . '.php';
        $vars['_lang'] = $_ADDONLANG;
        return $vars;
    }

    /**
     * Starts a real PHP session for php's built-in web server, with its
     * files in WHMCS_STUB_SESSION_DIR, and sets $_SESSION['adminid'] the
     * way WHMCS's admin login does: to the stub_admin_id cookie, or unset
     * without that cookie.
     *
     * @return void
     */
    function whmcs_stub_start_admin_session()
    {
        $directory = whmcs_stub_env('WHMCS_STUB_SESSION_DIR');
        if ($directory === '') {
            throw new \RuntimeException('WHMCS_STUB_SESSION_DIR is not set: set it to a directory for PHP session files');
        }
        session_save_path($directory);
        session_start();
        if (isset($_COOKIE['stub_admin_id']) && (int) $_COOKIE['stub_admin_id'] > 0) {
            $_SESSION['adminid'] = (int) $_COOKIE['stub_admin_id'];
        } else {
            unset($_SESSION['adminid']);
        }
    }

    if (whmcs_stub_env('WHMCS_STUB_LANGUAGE', 'english') !== 'none') {
        /**
         * WHMCS's client-area language facade.
         */
        class Lang
        {
            /**
             * Returns the current client-area language, such as english.
             *
             * @return string
             */
            public static function getName()
            {
                return whmcs_stub_env('WHMCS_STUB_LANGUAGE', 'english');
            }
        }
    }
}

namespace WHMCS\User {
    /**
     * A tblusers row, reduced to its id.
     */
    class User
    {
        /** @var int */
        public $id;

        /**
         * @param int $id
         */
        public function __construct($id)
        {
            $this->id = (int) $id;
        }
    }
}

namespace WHMCS\Authentication {
    use WHMCS\User\User;

    /**
     * The login state of the current request. The user comes from the
     * global $whmcs_stub_user_id or the WHMCS_STUB_USER_ID variable.
     */
    class CurrentUser
    {
        /**
         * Returns the logged-in user, or null when no user is logged in.
         *
         * @return User|null
         */
        public function user()
        {
            $id = isset($GLOBALS['whmcs_stub_user_id'])
                ? (int) $GLOBALS['whmcs_stub_user_id']
                : (int) whmcs_stub_env('WHMCS_STUB_USER_ID', '0');
            return $id > 0 ? new User($id) : null;
        }

        /**
         * Reports whether a user is logged in.
         *
         * @return bool
         */
        public function isAuthenticatedUser()
        {
            return $this->user() !== null;
        }

        /**
         * Reports whether an admin is logged in as the user.
         *
         * @return bool
         */
        public function isMasqueradingAdmin()
        {
            if ($this->user() === null) {
                return false;
            }
            if (isset($GLOBALS['whmcs_stub_masquerading'])) {
                return (bool) $GLOBALS['whmcs_stub_masquerading'];
            }
            return whmcs_stub_env('WHMCS_STUB_MASQUERADING') === '1';
        }
    }
}

namespace Illuminate\Support {
    /**
     * The part of Laravel's Collection that the addon uses.
     */
    class Collection implements \IteratorAggregate, \Countable
    {
        /** @var array */
        private $items;

        /**
         * @param array $items
         */
        public function __construct(array $items = array())
        {
            $this->items = $items;
        }

        /**
         * @return array
         */
        public function toArray()
        {
            return $this->items;
        }

        /**
         * @return \ArrayIterator
         */
        #[\ReturnTypeWillChange]
        public function getIterator()
        {
            return new \ArrayIterator($this->items);
        }

        /**
         * @return int
         */
        #[\ReturnTypeWillChange]
        public function count()
        {
            return count($this->items);
        }
    }
}

namespace Illuminate\Database\Query {
    use Illuminate\Support\Collection;

    /**
     * The part of Laravel's query builder that the addon uses: where()
     * conditions joined with AND, then first(), exists(), count(), get(),
     * pluck() or insert(). Statements run through PDO with bound values.
     */
    class Builder
    {
        /** @var \PDO */
        private $pdo;

        /** @var string */
        private $table;

        /** @var array<int, array{0: string, 1: string, 2: mixed}> column, operator, value */
        private $wheres = array();

        /**
         * @param \PDO   $pdo
         * @param string $table
         */
        public function __construct(\PDO $pdo, $table)
        {
            $this->pdo = $pdo;
            $this->table = self::quoteIdentifier($table);
        }

        /**
         * Adds a condition: where(column, value) or where(column, operator, value).
         *
         * @param string $column
         * @param mixed  $operator
         * @param mixed  $value
         *
         * @return $this
         */
        public function where($column, $operator = null, $value = null)
        {
            if (func_num_args() === 2) {
                $value = $operator;
                $operator = '=';
            }
            $allowed = array('=', '<>', '!=', '<', '>', '<=', '>=', 'like');
            if (!in_array(strtolower((string) $operator), $allowed, true)) {
                throw new \InvalidArgumentException('stub query builder: unsupported operator ' . $operator);
            }
            $this->wheres[] = array(self::quoteIdentifier($column), $operator, $value);
            return $this;
        }

        /**
         * @param array $columns
         *
         * @return object|null
         */
        public function first($columns = array('*'))
        {
            $rows = $this->select($columns, 1);
            return $rows ? $rows[0] : null;
        }

        /**
         * @return bool
         */
        public function exists()
        {
            return $this->select(array('1'), 1) !== array();
        }

        /**
         * @return int
         */
        public function count()
        {
            $rows = $this->select(array('COUNT(*) AS aggregate'), null);
            return (int) $rows[0]->aggregate;
        }

        /**
         * @param array $columns
         *
         * @return Collection
         */
        public function get($columns = array('*'))
        {
            return new Collection($this->select($columns, null));
        }

        /**
         * Returns the values of one column, keyed by another when $key is
         * given: a Collection, or an array when WHMCS_STUB_PLUCK=array.
         *
         * @param string      $column
         * @param string|null $key
         *
         * @return Collection|array
         */
        public function pluck($column, $key = null)
        {
            $columns = array($column);
            if ($key !== null) {
                $columns[] = $key;
            }
            $values = array();
            foreach ($this->select($columns, null) as $row) {
                $row = (array) $row;
                if ($key === null) {
                    $values[] = $row[$column];
                } else {
                    $values[$row[$key]] = $row[$column];
                }
            }
            return whmcs_stub_env('WHMCS_STUB_PLUCK') === 'array' ? $values : new Collection($values);
        }

        /**
         * Inserts one row (column => value) or a list of rows.
         *
         * @param array $values
         *
         * @return bool
         */
        public function insert(array $values)
        {
            $rows = isset($values[0]) && is_array($values[0]) ? $values : array($values);
            foreach ($rows as $row) {
                $columns = array_map(array(__CLASS__, 'quoteIdentifier'), array_keys($row));
                $placeholders = implode(', ', array_fill(0, count($row), '?'));
                $sql = sprintf('INSERT INTO %s (%s) VALUES (%s)', $this->table, implode(', ', $columns), $placeholders);
                $this->pdo->prepare($sql)->execute(array_values($row));
            }
            return true;
        }

        /**
         * @param array    $columns column names, or SQL expressions containing a space or parenthesis
         * @param int|null $limit
         *
         * @return array<int, object>
         */
        private function select(array $columns, $limit)
        {
            $list = array();
            foreach ($columns as $column) {
                $isExpression = $column === '*' || $column === '1' || strpbrk($column, ' (') !== false;
                $list[] = $isExpression ? $column : self::quoteIdentifier($column);
            }

            $sql = 'SELECT ' . implode(', ', $list) . ' FROM ' . $this->table;
            $bindings = array();
            if ($this->wheres) {
                $conditions = array();
                foreach ($this->wheres as $where) {
                    $conditions[] = $where[0] . ' ' . $where[1] . ' ?';
                    $bindings[] = $where[2];
                }
                $sql .= ' WHERE ' . implode(' AND ', $conditions);
            }
            if ($limit !== null) {
                $sql .= ' LIMIT ' . (int) $limit;
            }

            $statement = $this->pdo->prepare($sql);
            $statement->execute($bindings);
            return $statement->fetchAll(\PDO::FETCH_OBJ);
        }

        /**
         * @param string $name
         *
         * @return string
         */
        private static function quoteIdentifier($name)
        {
            if (!preg_match('/^[A-Za-z_][A-Za-z0-9_]*$/', (string) $name)) {
                throw new \InvalidArgumentException('stub query builder: invalid identifier ' . $name);
            }
            return '`' . $name . '`';
        }
    }
}

namespace WHMCS\Database {
    use Illuminate\Database\Query\Builder;

    /**
     * WHMCS's database facade, connected to WHMCS_STUB_DB_DSN.
     */
    class Capsule
    {
        /** @var \PDO|null */
        private static $pdo;

        /**
         * Starts a query on a table.
         *
         * @param string $table
         *
         * @return Builder
         */
        public static function table($table)
        {
            return new Builder(self::pdo(), $table);
        }

        /**
         * @return \PDO
         */
        private static function pdo()
        {
            if (self::$pdo === null) {
                $dsn = whmcs_stub_env('WHMCS_STUB_DB_DSN');
                if ($dsn === '') {
                    throw new \RuntimeException('WHMCS_STUB_DB_DSN is not set: set it to a PDO DSN of the test database');
                }
                self::$pdo = new \PDO(
                    $dsn,
                    whmcs_stub_env('WHMCS_STUB_DB_USER', 'root'),
                    whmcs_stub_env('WHMCS_STUB_DB_PASSWORD'),
                    array(\PDO::ATTR_ERRMODE => \PDO::ERRMODE_EXCEPTION)
                );
            }
            return self::$pdo;
        }
    }
}
