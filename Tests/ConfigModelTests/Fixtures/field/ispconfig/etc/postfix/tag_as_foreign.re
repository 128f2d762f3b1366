/^/ FILTER amavis:[127.0.0.1]:10024
